using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Security;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/run: run Python in the session's namespace.</summary>
public static class ConsoleApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/sessions/{sid}/run", async (string sid, RunRequest request, KernelSessions sessions) =>
                RunResponse.From(await sessions.RunAsync(sid, request.Code)))
            .WithTags("Console")
            // The singleton keeps the counters: AddEndpointFilter<T> would make a new filter per request.
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<RunRateLimit>().InvokeAsync(context, next))
            .WithSummary("Run a snippet: stdout, stderr, the last expression's repr, the error with its traceback; interrupted past the time limit");
        app.MapGet("/api/sessions/{sid}/history", async (string sid, KernelSessions sessions) =>
                (await sessions.HistoryAsync(sid)).Select(HistoryDto.From))
            .WithTags("Console")
            .WithSummary("The session's console runs, oldest first, kept across server restarts: n (In [n]), code, ok, result, at");
        app.MapPost("/api/sessions/{sid}/interrupt", async (string sid, KernelSessions sessions) =>
                new InterruptResponse(await sessions.InterruptAsync(sid)))
            .WithTags("Console")
            .WithSummary("Interrupt the session's running snippet (KeyboardInterrupt); interrupted is false when none is running");
    }
}
