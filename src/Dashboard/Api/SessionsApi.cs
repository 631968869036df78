using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions: create, list, get, delete.</summary>
public static class SessionsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/sessions").WithTags("Sessions");

        sessions.MapPost("/", async (CreateSessionRequest request, KernelSessions all) =>
        {
            var session = SessionDto.From(await all.CreateAsync(request.Name));
            return Results.Created($"/api/sessions/{session.Id}", session);
        }).WithSummary("Create a session: its own kernel process, Python namespace and console");

        sessions.MapGet("/", (KernelSessions all) => all.List().Select(SessionDto.From));

        sessions.MapGet("/{sid}", (string sid, KernelSessions all) => SessionDto.From(all.Get(sid)));

        sessions.MapDelete("/{sid}", async (string sid, bool? force, KernelSessions all) =>
        {
            await all.DeleteAsync(sid, force ?? false);
            return Results.NoContent();
        }).WithSummary("Delete a session; 409 while any of its buffers is exported, unless force=true");
    }
}
