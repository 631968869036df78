using Bufferscope.Core.Live;
using MessagePack;

namespace Bufferscope.Dashboard.Hubs;

/// <summary>
/// A watched window: its bytes (base64 in JSON, binary in MessagePack) and the ranges that changed.
/// On the server <see cref="Data"/> is the watch's own memory, serialised before the next frame is made;
/// a client gets its own copy.
/// </summary>
[MessagePackObject]
public sealed record WatchFrame(
    [property: Key("bufferId")] long BufferId,
    [property: Key("offset")] long Offset,
    [property: Key("data")] ReadOnlyMemory<byte> Data,
    [property: Key("changed")] IReadOnlyList<ChangedRange> Changed,
    [property: Key("version")] long Version,
    [property: Key("at")] DateTimeOffset At)
{
    public static WatchFrame From(MemoryFrame f) =>
        new(f.BufferId, f.Offset, f.Data, [.. f.Changed.Select(c => new ChangedRange(c.Offset, c.Length))], f.Version, f.At);
}

[MessagePackObject]
public sealed record ChangedRange([property: Key("offset")] long Offset, [property: Key("length")] long Length);
