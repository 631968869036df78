using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/checks: run a consumer over every layout, in a kernel of the check's own, and read what it found.</summary>
public static class ChecksApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var checks = app.MapGroup("/api/sessions/{sid}/checks").WithTags("Checks");
        checks.MapPost("", (string sid, CheckRequest request, CheckService service) =>
            {
                var run = service.Start(sid, request);
                return Results.Accepted($"/api/sessions/{sid}/checks/{run.Id}", new { id = run.Id });
            })
            .WithSummary("Start a check: mode consumer, target 'module:function' or an expression in the session, reference (the oracle; null: the target on a C-contiguous copy), cases quick|standard|exhaustive, seed, caseTimeoutMs. 202 with its id; progress on the Events stream (checkProgressed)");
        checks.MapGet("", (string sid, CheckService service) => service.List(sid))
            .WithSummary("The session's checks, newest first");
        checks.MapGet("/{id}", (string sid, string id, CheckService service) => service.Get(sid, id))
            .WithSummary("A check: state running|done|cancelled|failed, total, done, counts of each kind, findings shrunk to their smallest layout with a one-line reproduction");
        checks.MapDelete("/{id}", async (string sid, string id, CheckService service) => await service.CancelAsync(sid, id))
            .WithSummary("Cancel a running check (its kernel ends); answers with the check as it ended");
    }
}
