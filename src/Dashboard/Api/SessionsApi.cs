using Bufferscope.Core;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions: create, list, get, delete.</summary>
public static class SessionsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/sessions").WithTags("Sessions");

        sessions.MapPost("/", async (CreateSessionRequest request, BufferscopeCore core) =>
        {
            var session = SessionDto.From(await core.Sessions.CreateAsync(request.Name));
            return Results.Created($"/api/sessions/{session.Id}", session);
        }).WithSummary("Create a session: its own Python namespace and console");

        sessions.MapGet("/", (BufferscopeCore core) => core.Sessions.List().Select(SessionDto.From));

        sessions.MapGet("/{sid}", (string sid, BufferscopeCore core) => SessionDto.From(core.Sessions.Get(sid)));

        sessions.MapDelete("/{sid}", async (string sid, bool? force, BufferscopeCore core) =>
        {
            await core.Sessions.DeleteAsync(sid, force ?? false);
            return Results.NoContent();
        }).WithSummary("Delete a session; 409 while any of its buffers is exported, unless force=true");
    }
}
