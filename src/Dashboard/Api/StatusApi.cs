using Bufferscope.Core;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/status: what the server holds now against its limits, so a client can see why it was refused.</summary>
public static class StatusApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/status", (BufferscopeCore core, HubLimits hub) => new StatusDto(
                core.Sessions.List().Count, core.Options.Limits.MaxSessions,
                core.Budget.UsedBytes, core.Options.Limits.MaxTotalBytes,
                hub.Connections, hub.Streams, hub.WatchBytes, core.Options.Limits.MaxTotalWatchBytes))
            .WithTags("Status")
            .WithSummary("Sessions, buffer bytes, hub connections, streams and watch bytes in use, with their limits");
}
