namespace Bufferscope.Dashboard.Api.Contracts;

public sealed record StatusDto(
    int Sessions, int MaxSessions,
    long BufferBytes, long MaxTotalBytes,
    int HubConnections, int HubStreams, long WatchBytes, long MaxTotalWatchBytes);
