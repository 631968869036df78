using Bufferscope.Dashboard.Api.Contracts;
using MessagePack;

namespace Bufferscope.Dashboard.Hubs;

/// <summary>
/// One item of the Subscribe stream: the first carries <see cref="Snapshot"/> (the session, its
/// kernel and its buffers with every live view), each later one a batch of <see cref="Events"/>
/// to apply to it, in order. Another snapshot comes only when the client fell so far behind that
/// batches were dropped: it replaces everything before it.
/// </summary>
[MessagePackObject]
public sealed record SessionUpdate(
    [property: Key("snapshot")] SessionSnapshotDto? Snapshot,
    [property: Key("events")] IReadOnlyList<HubEvent>? Events);

/// <summary>A session's state: the session (with its kernel) and its buffers (with their live views).</summary>
[MessagePackObject]
public sealed record SessionSnapshotDto(
    [property: Key("session")] SessionDto Session,
    [property: Key("buffers")] IReadOnlyList<BufferDto> Buffers);
