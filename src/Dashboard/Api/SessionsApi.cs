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
            var created = await all.CreateAsync(request.Name, request.Python);
            var session = SessionDto.From(created, all.Status(created.Id), all.Counts(created.Id));
            return Results.Created($"/api/sessions/{session.Id}", session);
        }).WithSummary("Create a session: its own kernel process (on an allowed interpreter: GET /api/interpreters), Python namespace and console");

        sessions.MapGet("/", (KernelSessions all) => all.Summaries().Select(s => SessionDto.From(s.Session, s.Kernel, s.Counts)))
            .WithSummary("List sessions")
            .WithDescription("Every session, oldest first, with its kernel's state (starting, idle, busy, dead, restarting), its buffers and their live exports (buffers, exports)");

        sessions.MapGet("/{sid}", (string sid, KernelSessions all) => SessionDto.From(all.Get(sid), all.Status(sid), all.Counts(sid)));

        sessions.MapPost("/{sid}/restart", async (string sid, KernelSessions all) =>
        {
            var restart = await all.RestartAsync(sid);
            return new RestartDto(SessionDto.From(all.Get(sid), all.Status(sid), all.Counts(sid)), [.. restart.Rebound.Select(BufferDto.From)], restart.Lost);
        }).WithSummary("A fresh kernel for the session: every buffer bound to its name again over the same memory; the namespace otherwise empty");

        sessions.MapDelete("/{sid}", async (string sid, bool? force, KernelSessions all) =>
        {
            await all.DeleteAsync(sid, force ?? false);
            return Results.NoContent();
        }).WithSummary("Delete a session; 409 while any of its buffers is exported, unless force=true");
    }
}
