namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Which bytes changed and when, so the hex view can mark them and let the mark fade. Keyed by
/// absolute offset; entries older than <see cref="Fade"/> are dropped as new frames arrive.
/// </summary>
public sealed class ByteHighlights
{
    public static readonly TimeSpan Fade = TimeSpan.FromSeconds(1.5);
    private readonly Dictionary<long, long> _changedAt = [];
    private const int MaxTracked = 1 << 16;

    /// <summary>Marks the changed ranges of a frame (clipped to the window), except a window's first frame, which is not a change.</summary>
    public void Mark(long windowOffset, int windowLength, IEnumerable<(long Offset, long Length)> changed, long nowMs)
    {
        Prune(nowMs);
        foreach (var (offset, length) in changed)
        {
            var start = Math.Max(offset, windowOffset);
            var end = Math.Min(offset + length, windowOffset + windowLength);
            for (var i = start; i < end && _changedAt.Count < MaxTracked; i++)
                _changedAt[i] = nowMs;
        }
    }

    /// <summary>The mark's age as 0..1 (1 = just changed), or 0 when the byte has not changed lately.</summary>
    public double Heat(long offset, long nowMs) =>
        _changedAt.TryGetValue(offset, out var at) ? Math.Max(0, 1 - (nowMs - at) / Fade.TotalMilliseconds) : 0;

    public bool Any => _changedAt.Count > 0;

    public void Clear() => _changedAt.Clear();

    private void Prune(long nowMs)
    {
        if (_changedAt.Count == 0)
            return;
        foreach (var (offset, at) in _changedAt.ToList())
            if (nowMs - at > Fade.TotalMilliseconds)
                _changedAt.Remove(offset);
    }
}
