using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Bufferscope.Core.Live;

/// <summary>
/// One client's place in the <see cref="EventFeed"/>: a bounded channel of batches that drops its
/// oldest batch when the client falls behind, so a slow reader never holds up the feed.
/// </summary>
public sealed class EventSubscription : IDisposable
{
    private readonly EventFeed _feed;
    private readonly Channel<IReadOnlyList<BufferEvent>> _channel;
    private long _dropped;

    internal EventSubscription(EventFeed feed, string? sessionId, int capacity)
    {
        _feed = feed;
        SessionId = sessionId;
        _channel = Channel.CreateBounded<IReadOnlyList<BufferEvent>>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string? SessionId { get; }

    /// <summary>Batches dropped because this client read too slowly.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(IReadOnlyList<BufferEvent> batch) => _channel.Writer.TryWrite(batch);

    internal void Complete() => _channel.Writer.TryComplete();

    public async IAsyncEnumerable<IReadOnlyList<BufferEvent>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var batch in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return batch;
    }

    public void Dispose()
    {
        _feed.Unsubscribe(this);
        Complete();
    }
}
