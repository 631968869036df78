namespace Bufferscope.Core.Live;

/// <summary>
/// When a watched buffer's bytes may be changing, the one rule <see cref="MemoryWatch"/> and
/// <see cref="PictureWatch"/> both follow: while a writable export is live, after a server-side
/// write, always for memory another process writes, and once more after the last writable export
/// is gone (so a short-lived view's write is never missed). Otherwise the watch sleeps on the
/// buffer's <see cref="ActivitySignal"/>, and a quiescent buffer costs nothing.
/// </summary>
internal sealed class ChangeGate(IWatchedBuffer buffer)
{
    private bool _checkOnceMore;
    private long _seenWrites = buffer.WriteVersion;

    private bool Writable => buffer.Exports > 0 && !buffer.ReadOnly;

    /// <summary>Returns once the bytes may have changed since the last look (false: cancelled).</summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var writable = Writable;
            if (writable || buffer.WriteVersion != _seenWrites || _checkOnceMore || buffer.ChangesFromOutside)
            {
                _checkOnceMore = writable; // after the last writable export goes, look one more time
                _seenWrites = buffer.WriteVersion;
                return true;
            }
            // Quiescent: take the signal first, then look again, so a change between the first
            // look and the wait is not slept through. A freed buffer is looked at once more: the
            // read then fails and the watch ends.
            var next = buffer.Activity.NextAsync(cancellationToken);
            if (!Writable && buffer.WriteVersion == _seenWrites && !buffer.IsFreed)
            {
                try { await next.ConfigureAwait(false); }
                catch (OperationCanceledException) { return false; }
            }
            _checkOnceMore = true;
        }
        return false;
    }
}
