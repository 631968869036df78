namespace Bufferscope.Core.Live;

/// <summary>A watched window's bytes and which ranges changed since the frame before (all of it in the first frame). <see cref="Data"/> belongs to the watch: see <see cref="MemoryWatch"/>.</summary>
public sealed record MemoryFrame(long BufferId, long Offset, ReadOnlyMemory<byte> Data, IReadOnlyList<ByteRange> Changed, long Version, DateTimeOffset At);

/// <summary>Bytes [Offset, Offset + Length) of the allocation.</summary>
public readonly record struct ByteRange(long Offset, long Length);
