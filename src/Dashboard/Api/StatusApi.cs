using Bufferscope.Core;
using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/status: what the server holds now against its limits, so a client can see why it was refused.</summary>
public static class StatusApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/status", async (KernelSessions sessions, BufferscopeOptions options, HubLimits hub) => new StatusDto(
                sessions.List().Count, options.Limits.MaxSessions,
                await sessions.BufferBytesAsync(), options.Limits.MaxTotalBytes,
                hub.Connections, hub.Streams, hub.WatchBytes, options.Limits.MaxTotalWatchBytes))
            .WithTags("Status")
            .WithSummary("Sessions, buffer bytes, hub connections, streams and watch bytes in use, with their limits");
}
