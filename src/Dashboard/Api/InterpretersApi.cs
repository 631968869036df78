using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Api;

/// <summary>GET /api/interpreters: what POST /api/sessions may name as its "python".</summary>
public static class InterpretersApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/interpreters", (Interpreters interpreters) => interpreters.All.Select(InterpreterDto.From))
            .WithTags("Sessions")
            .WithSummary("The interpreters a session may run on (the default first): Bufferscope:Python:Executable and Bufferscope:Python:Interpreters");
}
