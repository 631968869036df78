using Bufferscope.Core.Sessions;

namespace Bufferscope.Dashboard.Api.Contracts;

public sealed record SessionDto(string Id, string Name, DateTimeOffset CreatedAt)
{
    public static SessionDto From(SessionInfo s) => new(s.Id, s.Name, s.CreatedAt);
}

public sealed record CreateSessionRequest(string? Name);
