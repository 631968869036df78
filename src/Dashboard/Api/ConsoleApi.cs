using Bufferscope.Core;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/run: run Python in the session's namespace.</summary>
public static class ConsoleApi
{
    public const string RatePolicy = "console-runs";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/sessions/{sid}/run", async (string sid, RunRequest request, BufferscopeCore core) =>
                RunResponse.From(await core.Sessions.RunAsync(sid, request.Code)))
            .WithTags("Console")
            .RequireRateLimiting(RatePolicy)
            .WithSummary("Run a snippet: stdout, stderr, the last expression's repr, the error with its traceback; interrupted past the time limit");
    }
}
