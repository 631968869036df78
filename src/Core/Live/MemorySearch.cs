using System.Buffers;

namespace Bufferscope.Core.Live;

/// <summary>
/// Finds bytes in a whole buffer, where the memory is (the server's mapping of the kernel's
/// pages, or the kernel for managed memory), so a client never pulls a large buffer across to
/// search it. The allocation is read in chunks that overlap by the pattern's length less one, so
/// a match across a chunk boundary is found; each chunk is searched with the vectorized
/// <see cref="MemoryExtensions.IndexOf{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>.
/// </summary>
public static class MemorySearch
{
    public const int ChunkBytes = 1 << 20;

    /// <summary>
    /// The first match at or after <paramref name="from"/>; when there is none, the first before
    /// it (the search wraps, as Find Next does in editors). Null when the bytes occur nowhere.
    /// </summary>
    public static async Task<(long Offset, bool Wrapped)?> FindAsync(IWatchedBuffer buffer, ReadOnlyMemory<byte> pattern, long from, CancellationToken cancellationToken)
    {
        if (pattern.Length is 0 or > ChunkBytes)
            throw new ArgumentOutOfRangeException(nameof(pattern), $"a pattern is 1 to {ChunkBytes} bytes; this one is {pattern.Length}");
        from = Math.Clamp(from, 0, buffer.Length);
        if (await FindInAsync(buffer, pattern, from, buffer.Length, cancellationToken).ConfigureAwait(false) is { } after)
            return (after, false);
        // Matches that start before `from` may end after it: search up to from + pattern - 1.
        var wrapEnd = Math.Min(buffer.Length, from + pattern.Length - 1);
        if (await FindInAsync(buffer, pattern, 0, wrapEnd, cancellationToken).ConfigureAwait(false) is { } before)
            return (before, true);
        return null;
    }

    /// <summary>The first match lying wholly within [start, end).</summary>
    private static async Task<long?> FindInAsync(IWatchedBuffer buffer, ReadOnlyMemory<byte> pattern, long start, long end, CancellationToken cancellationToken)
    {
        if (end - start < pattern.Length)
            return null;
        var size = (int)Math.Min(ChunkBytes, end - start);
        // Pooled: a search of a big buffer would otherwise put a fresh 1 MiB array on the large object heap each time.
        var chunk = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            for (var at = start; end - at >= pattern.Length;)
            {
                var length = (int)Math.Min(size, end - at);
                var window = chunk.AsMemory(0, length);
                await buffer.ReadAsync(at, window, cancellationToken).ConfigureAwait(false);
                var found = window.Span.IndexOf(pattern.Span);
                if (found >= 0)
                    return at + found;
                if (at + length >= end)
                    break;
                at += length - (pattern.Length - 1);
            }
            return null;
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
    }
}
