namespace Bufferscope.Core.Sessions;

/// <summary>A session as clients see it.</summary>
public sealed record SessionInfo(string Id, string Name, DateTimeOffset CreatedAt);
