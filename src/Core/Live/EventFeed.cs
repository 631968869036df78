using System.Collections.Concurrent;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Live;

/// <summary>
/// Core's stream of changes: buffers created and freed, exports acquired and released, memory
/// written, console runs.
///
/// Python can make 10-20 million views a second, so an export never becomes an event by itself.
/// The slot only enlists its exporter, once per frame (<see cref="Exporter.Enlisted"/>); the pump
/// wakes on the first change, then once a frame compares each enlisted exporter's ledger with what
/// it last saw. A slow sequence of acquires and releases therefore shows one by one, a fast one as
/// a coalesced event per frame, and the counts in events always end at the ledger's exact count.
/// Nothing here blocks the Python thread: enlisting is a queue add, publishing a queue add.
/// Each subscriber has a bounded channel that drops its oldest batch when full, so a slow client
/// never holds up the pump or other clients.
/// </summary>
public sealed class EventFeed : IAsyncDisposable
{
    private readonly ConcurrentQueue<BufferEvent> _events = new();
    private readonly ConcurrentQueue<Exporter> _dirty = new();
    private readonly Dictionary<long, Seen> _seen = new(); // pump only
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<EventSubscription, byte> _subscribers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private int _signalled;

    public TimeSpan FrameInterval { get; }

    private sealed class Seen
    {
        public HashSet<long> Live = [];
        public long Acquired;
        public long Released;
        public long Refused;
    }

    public EventFeed(TimeSpan frameInterval)
    {
        FrameInterval = frameInterval;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>An event that is rare enough to send as it is (create, free, write, console run). Any thread.</summary>
    public void Publish(BufferEvent e)
    {
        _events.Enqueue(e);
        Wake();
    }

    /// <summary>Called from the slots (GIL held) on an exporter's first change in a frame.</summary>
    internal void Enlist(Exporter exporter)
    {
        _dirty.Enqueue(exporter);
        Wake();
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
            _wake.Release();
    }

    /// <summary>
    /// Starts receiving batches of events, in order, for one client (registered before this
    /// returns, so nothing that happens after is missed). <paramref name="sessionId"/> null: every session.
    /// </summary>
    public EventSubscription Subscribe(string? sessionId, int capacity = 1024)
    {
        var subscription = new EventSubscription(this, sessionId, capacity);
        _subscribers[subscription] = 0;
        return subscription;
    }

    internal void Unsubscribe(EventSubscription subscription) => _subscribers.TryRemove(subscription, out _);

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await _wake.WaitAsync(token).ConfigureAwait(false);
                // Collect now (a single change shows at once), then at most once a frame while changes keep coming.
                do
                {
                    Volatile.Write(ref _signalled, 0);
                    Deliver(Collect());
                    await Task.Delay(FrameInterval, token).ConfigureAwait(false);
                }
                while (_wake.Wait(0));
            }
        }
        catch (OperationCanceledException) { }
    }

    private List<BufferEvent> Collect()
    {
        var rare = new List<BufferEvent>();
        while (_events.TryDequeue(out var e))
            rare.Add(e);
        var batch = new List<BufferEvent>();
        // Creations first: an export of a new buffer must follow its creation; frees and console runs last,
        // after the releases and acquires that came before them.
        batch.AddRange(rare.Where(e => e.Kind == BufferEventKind.BufferCreated));
        var exporters = new HashSet<Exporter>();
        while (_dirty.TryDequeue(out var exporter))
            exporters.Add(exporter);
        foreach (var exporter in exporters.OrderBy(e => e.Id))
            CollectExports(exporter, batch);
        batch.AddRange(rare.Where(e => e.Kind != BufferEventKind.BufferCreated));
        foreach (var e in rare)
            if (e.Kind == BufferEventKind.BufferFreed && e.BufferId is { } id)
                _seen.Remove(id);
        return batch;
    }

    private void CollectExports(Exporter exporter, List<BufferEvent> batch)
    {
        // Re-arm before reading: a change after this point enlists the exporter again.
        Volatile.Write(ref exporter.Enlisted, 0);
        if (!_seen.TryGetValue(exporter.Id, out var seen))
            _seen[exporter.Id] = seen = new Seen();
        var snapshot = exporter.Ledger.Snapshot();
        var now = CoarseClock.Now;
        var count = seen.Live.Count;
        var liveIds = snapshot.Live.Select(v => v.Id).ToHashSet();

        BufferEvent Event(BufferEventKind kind, long? viewId, ExportView? view, int coalesced) =>
            new(kind, exporter.SessionId, exporter.Id, count, view, view?.AcquiredAt ?? now)
            {
                Coalesced = coalesced,
                BufferName = exporter.Name,
                ViewId = viewId,
            };

        foreach (var gone in seen.Live.Where(id => !liveIds.Contains(id)).Order())
        {
            count--;
            batch.Add(Event(BufferEventKind.ExportReleased, gone, null, 1));
        }
        var fresh = snapshot.Live.Where(v => !seen.Live.Contains(v.Id)).ToList();
        // Exports acquired and released between two looks: shown as one coalesced pair.
        var hidden = (int)Math.Max(0, snapshot.Acquired - seen.Acquired - fresh.Count);
        if (hidden > 0)
        {
            count += hidden;
            batch.Add(Event(BufferEventKind.ExportAcquired, null, null, hidden));
            count -= hidden;
            batch.Add(Event(BufferEventKind.ExportReleased, null, null, hidden));
        }
        foreach (var entry in fresh)
        {
            count++;
            batch.Add(Event(BufferEventKind.ExportAcquired, entry.Id, ExportView.From(entry, exporter), 1));
        }
        // Refusals since the last look, the newest kept ones: a refusal changes no count.
        var refused = exporter.RefusedCount;
        if (refused > seen.Refused)
        {
            var kept = exporter.Refusals();
            foreach (var r in kept.Skip(Math.Max(0, kept.Count - (int)Math.Min(refused - seen.Refused, kept.Count))))
                batch.Add(Event(BufferEventKind.ExportRefused, null, null, 1) with { Refusal = r, At = r.At });
            seen.Refused = refused;
        }
        seen.Live = liveIds;
        seen.Acquired = snapshot.Acquired;
        seen.Released = snapshot.Released;
    }

    private void Deliver(List<BufferEvent> batch)
    {
        if (batch.Count == 0)
            return;
        foreach (var subscriber in _subscribers.Keys)
        {
            IReadOnlyList<BufferEvent> mine = subscriber.SessionId is null ? batch : batch.FindAll(e => e.SessionId == subscriber.SessionId);
            if (mine.Count > 0)
                subscriber.Offer(mine);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _pump.ConfigureAwait(false); } catch (OperationCanceledException) { }
        foreach (var subscriber in _subscribers.Keys)
            subscriber.Complete();
        _stop.Dispose();
        _wake.Dispose();
    }
}
