using System.Runtime.CompilerServices;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Native;

namespace Bufferscope.Core.Live;

/// <summary>
/// Streams a window of a buffer's memory: its bytes at once, then a frame whenever they change.
///
/// Memory changes only while a writable export is live, through a server-side write, or (mapped
/// files, shared memory) from another process. Only then is the window compared with a shadow
/// copy (a 64 KiB memcmp costs microseconds), every <see cref="PollInterval"/>, and once more after
/// the last writable export is gone, so a short-lived view's write is never missed. Otherwise the
/// watch sleeps on the buffer's <see cref="ActivitySignal"/>: a quiescent buffer costs nothing
/// (<see cref="ChangeGate"/>, the rule <see cref="PictureWatch"/> follows too).
/// Frames go out at most once per <see cref="FrameInterval"/>. The stream is pulled: when a client
/// reads slowly the next frame is computed when it asks, against what it was last sent, so it gets
/// the latest bytes with every change since marked, and never slows Python or other clients.
///
/// Memory: the shadow, the copy compared with it and the frame handed out live in one anonymous
/// mapping of <see cref="BytesHeld"/> bytes, unmapped when the stream ends, so what a watch costs
/// is known before it starts and given back to the system, not to a heap, when it stops. A frame's
/// <see cref="MemoryFrame.Data"/> is that mapping: valid until the next frame is asked for or the
/// stream ends. Copy it to keep it (a hub serialises it before asking for the next).
/// </summary>
public sealed class MemoryWatch(IWatchedBuffer exporter, long offset, int length, TimeSpan frameInterval, TimeSpan pollInterval)
{
    private const int Block = 64;

    /// <summary>What a watch of <paramref name="length"/> bytes holds while it runs: shadow, compare copy and frame.</summary>
    public static long BytesHeld(int length) => 3L * length;

    public TimeSpan FrameInterval { get; } = frameInterval;
    public TimeSpan PollInterval { get; } = pollInterval;

    public async IAsyncEnumerable<MemoryFrame> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var windows = new Windows(length);
        long version = 0;
        if (!await TryReadAsync(windows.Shadow, cancellationToken).ConfigureAwait(false))
            yield break;
        yield return new MemoryFrame(exporter.Id, offset, windows.Publish(), [new ByteRange(offset, length)], ++version, CoarseClock.Now);

        var nextFrame = DateTime.UtcNow + FrameInterval; // when the next frame may go
        var gate = new ChangeGate(exporter);
        while (await gate.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await TryReadAsync(windows.Current, cancellationToken).ConfigureAwait(false))
                yield break;
            var changed = windows.Diff(offset);
            if (changed.Count > 0)
            {
                // At most one frame per FrameInterval: wait out the rest, then send the latest bytes.
                var wait = nextFrame - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    try { await Task.Delay(wait, cancellationToken).ConfigureAwait(false); }
                    catch (OperationCanceledException) { yield break; }
                    if (!await TryReadAsync(windows.Current, cancellationToken).ConfigureAwait(false))
                        yield break;
                    changed = windows.Diff(offset);
                }
                windows.Swap();
                // A fixed cadence while changes keep coming (timer slack does not add up), and a
                // fresh start after a quiet spell (no burst to catch up).
                var now = DateTime.UtcNow;
                nextFrame = (nextFrame > now - FrameInterval / 2 ? nextFrame : now) + FrameInterval;
                yield return new MemoryFrame(exporter.Id, offset, windows.Publish(), changed, ++version, CoarseClock.Now);
                continue;
            }
            try { await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { yield break; }
        }
    }

    private async ValueTask<bool> TryReadAsync(Window into, CancellationToken cancellationToken)
    {
        try
        {
            await exporter.ReadAsync(offset, into.Memory, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BufferLifetimeException) { return false; } // freed: the watch ends
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>One of the windows in the mapping, as memory (spans cannot live across the iterator's awaits).</summary>
    private readonly record struct Window(NativeMemoryManager Region)
    {
        public Span<byte> Span => Region.GetSpan();
        public Memory<byte> Memory => Region.Memory;
    }

    /// <summary>Shadow, current and frame windows in one mapping; shadow and current swap roles after each frame.</summary>
    private sealed class Windows : IDisposable
    {
        private readonly AnonymousMapping _mapping;
        private readonly Window _first, _second;
        private readonly NativeMemoryManager _frame;
        private bool _swapped;

        public Windows(int length)
        {
            _mapping = new AnonymousMapping(BytesHeld(length));
            _first = new Window(new NativeMemoryManager(_mapping.Address, length));
            _second = new Window(new NativeMemoryManager(_mapping.Address + length, length));
            _frame = new NativeMemoryManager(_mapping.Address + 2 * (nint)length, length);
        }

        public Window Shadow => _swapped ? _second : _first;
        public Window Current => _swapped ? _first : _second;

        public void Swap() => _swapped = !_swapped;

        public List<ByteRange> Diff(long baseOffset) => MemoryWatch.Diff(Shadow.Span, Current.Span, baseOffset);

        /// <summary>The shadow's bytes as the frame to hand out, copied so the next compare cannot change them.</summary>
        public ReadOnlyMemory<byte> Publish()
        {
            Shadow.Span.CopyTo(_frame.GetSpan());
            return _frame.Memory;
        }

        public void Dispose() => _mapping.Dispose();
    }

    /// <summary>The changed byte ranges, found a block at a time (vectorised compares), then trimmed to the byte.</summary>
    internal static List<ByteRange> Diff(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, long baseOffset)
    {
        var ranges = new List<ByteRange>();
        var start = -1;
        for (var at = 0; at < before.Length; at += Block)
        {
            var n = Math.Min(Block, before.Length - at);
            var same = before.Slice(at, n).SequenceEqual(after.Slice(at, n));
            if (!same && start < 0)
                start = at;
            else if (same && start >= 0)
            {
                ranges.Add(Trim(before, after, start, at, baseOffset));
                start = -1;
            }
        }
        if (start >= 0)
            ranges.Add(Trim(before, after, start, before.Length, baseOffset));
        return ranges;
    }

    private static ByteRange Trim(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int start, int end, long baseOffset)
    {
        while (before[start] == after[start]) start++;
        while (before[end - 1] == after[end - 1]) end--;
        return new ByteRange(baseOffset + start, end - start);
    }
}
