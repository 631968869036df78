using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Live;

/// <summary>
/// Streams a buffer's <see cref="Picture"/>: at once, then whenever it changes, at most once per
/// <see cref="FrameInterval"/>.
///
/// The same rule as <see cref="MemoryWatch"/> (<see cref="ChangeGate"/>) decides when to look; a
/// quiescent buffer costs nothing. While changes may come, the picture is drawn once a frame and sent only when its cells or scale
/// differ from the last one sent. The stream is pulled, and each picture is drawn when the
/// client asks: a slow client gets the newest picture, never a queue of old ones.
/// </summary>
public sealed class PictureWatch(IWatchedBuffer buffer, int width, int height, TimeSpan frameInterval)
{
    public TimeSpan FrameInterval { get; } = frameInterval;

    public async IAsyncEnumerable<PictureFrame> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long version = 0;
        var last = await TryDrawAsync(cancellationToken).ConfigureAwait(false);
        if (last is null)
            yield break;
        yield return new PictureFrame(buffer.Id, last, ++version, CoarseClock.Now);

        var nextFrame = DateTime.UtcNow + FrameInterval;
        var gate = new ChangeGate(buffer);
        while (await gate.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            var wait = nextFrame - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, cancellationToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { yield break; }
            }
            var now = DateTime.UtcNow;
            nextFrame = (nextFrame > now - FrameInterval / 2 ? nextFrame : now) + FrameInterval;
            var picture = await TryDrawAsync(cancellationToken).ConfigureAwait(false);
            if (picture is null)
                yield break;
            if (Same(picture, last))
                continue;
            last = picture;
            yield return new PictureFrame(buffer.Id, picture, ++version, CoarseClock.Now);
        }
    }

    private async ValueTask<Picture?> TryDrawAsync(CancellationToken cancellationToken)
    {
        try { return await buffer.PictureAsync(width, height, cancellationToken).ConfigureAwait(false); }
        catch (BufferLifetimeException) { return null; } // freed: the watch ends
        catch (OperationCanceledException) { return null; }
    }

    /// <summary>Bit for bit (NaN cells equal), scale included.</summary>
    private static bool Same(Picture a, Picture b) =>
        a.Min.Equals(b.Min) && a.Max.Equals(b.Max)
        && MemoryMarshal.AsBytes(a.Cells.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.Cells.AsSpan()));
}
