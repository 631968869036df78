using Bufferscope.Core.Buffers;
using Bufferscope.Core.Live;

namespace Bufferscope.Core.Tests.Live;

public sealed class EventFeedTests(CoreFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Collects a subscription's events in the background.</summary>
    private sealed class Recorder : IAsyncDisposable
    {
        private readonly List<BufferEvent> _events = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly EventSubscription _subscription;
        private readonly Task _reading;

        public Recorder(EventFeed feed, string session)
        {
            _subscription = feed.Subscribe(session);
            _reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in _subscription.ReadAllAsync(_stop.Token))
                        lock (_events) _events.AddRange(batch);
                }
                catch (OperationCanceledException) { }
            });
        }

        public List<BufferEvent> Snapshot() { lock (_events) return [.. _events]; }

        /// <summary>Waits until the events so far satisfy <paramref name="done"/>; fails with what arrived after the timeout.</summary>
        public async Task<List<BufferEvent>> WaitFor(Func<List<BufferEvent>, bool> done)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (DateTime.UtcNow < deadline)
            {
                var events = Snapshot();
                if (done(events))
                    return events;
                await Task.Delay(10);
            }
            Assert.Fail("timed out waiting; events: " + string.Join("\n", Snapshot()));
            return [];
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _subscription.Dispose();
            await _reading;
        }
    }

    [Fact]
    public async Task Events_SlowAcquireAndRelease_ShowOneByOneWithExactCounts()
    {
        var s = await fixture.NewSessionAsync("events");
        await using var recorder = new Recorder(fixture.Core.Events, s);
        var d = await fixture.Sessions.CreateBufferAsync(s, new BufferSpec { Name = "frame", Shape = [4] });
        await recorder.WaitFor(e => e.Any(x => x.Kind == BufferEventKind.BufferCreated && x.BufferId == d.Id));

        await fixture.RunOkAsync(s, "mv = memoryview(frame)");
        var acquired = (await recorder.WaitFor(e => e.Any(x => x.Kind == BufferEventKind.ExportAcquired)))
            .Single(x => x.Kind == BufferEventKind.ExportAcquired);
        Assert.Equal((1, 1, d.Id), (acquired.Exports, acquired.Coalesced, acquired.BufferId));
        Assert.Equal("PyBUF_INDIRECT | PyBUF_FORMAT", string.Join(" | ", acquired.View!.FlagNames));
        Assert.Matches(@"^In \[\d+\], line 1$", acquired.View.Origin);
        // Slow means each change is seen before the next is made: within one frame the feed sends
        // a run's event and export changes made since as one batch, export changes first (seen in CI).
        await recorder.WaitFor(e => e.Any(x => x.Kind == BufferEventKind.ConsoleRan));

        await fixture.RunOkAsync(s, "mv.release()");
        var released = (await recorder.WaitFor(e => e.Any(x => x.Kind == BufferEventKind.ExportReleased)))
            .Single(x => x.Kind == BufferEventKind.ExportReleased);
        Assert.Equal((0, acquired.ViewId), (released.Exports, released.ViewId));

        var kinds = (await recorder.WaitFor(e => e.Count(x => x.Kind == BufferEventKind.ConsoleRan) == 2)).Select(x => x.Kind).ToList();
        Assert.Equal(
            [BufferEventKind.BufferCreated, BufferEventKind.ExportAcquired, BufferEventKind.ConsoleRan, BufferEventKind.ExportReleased, BufferEventKind.ConsoleRan],
            kinds);
    }

    [Fact]
    public async Task Events_FastLoop_IsCoalescedAndCountsStayExact()
    {
        var s = await fixture.NewSessionAsync();
        await using var recorder = new Recorder(fixture.Core.Events, s);
        await fixture.RunOkAsync(s, """
            b = bufferscope.MemBuf(shape=(64,), format='B')
            keep = memoryview(b)
            for _ in range(200_000):
                memoryview(b).release()
            """);
        var events = await recorder.WaitFor(e => e.Any(x => x.Kind == BufferEventKind.ConsoleRan));
        var exports = events.Where(x => x.Kind is BufferEventKind.ExportAcquired or BufferEventKind.ExportReleased).ToList();
        Assert.Equal(200_001, exports.Where(x => x.Kind == BufferEventKind.ExportAcquired).Sum(x => x.Coalesced));
        Assert.Equal(200_000, exports.Where(x => x.Kind == BufferEventKind.ExportReleased).Sum(x => x.Coalesced));
        Assert.True(exports.Count < 1000, $"{exports.Count} events for 400 001 changes: not coalesced");
        Assert.Equal(1, exports[^1].Exports); // the count the last event reports is the ledger's
        // Counts move by the event's own size, in order.
        var count = 0;
        foreach (var e in exports)
        {
            count += e.Kind == BufferEventKind.ExportAcquired ? e.Coalesced : -e.Coalesced;
            Assert.Equal(count, e.Exports);
        }
    }

    [Fact]
    public async Task Events_OtherSessions_AreNotDelivered()
    {
        var mine = await fixture.NewSessionAsync();
        var other = await fixture.NewSessionAsync();
        await using var recorder = new Recorder(fixture.Core.Events, mine);
        await fixture.RunOkAsync(other, "x = bufferscope.MemBuf(shape=(1,))");
        await fixture.RunOkAsync(mine, "y = 1");
        var events = await recorder.WaitFor(e => e.Any(x => x.Kind == BufferEventKind.ConsoleRan));
        Assert.All(events, e => Assert.Equal(mine, e.SessionId));
    }

    [Fact]
    public async Task Events_ServerWriteAndFree_ArePublished()
    {
        var s = await fixture.NewSessionAsync();
        await using var recorder = new Recorder(fixture.Core.Events, s);
        var d = await fixture.Sessions.CreateBufferAsync(s, new BufferSpec { Name = "w", Shape = [8] });
        fixture.Sessions.WriteMemory(s, d.Id, 2, [9, 9]);
        await fixture.Sessions.FreeBufferAsync(s, d.Id);
        var events = await recorder.WaitFor(e => e.Any(x => x.Kind == BufferEventKind.BufferFreed));
        var written = events.Single(x => x.Kind == BufferEventKind.MemoryWritten);
        Assert.Equal((2L, 2L), (written.Offset!.Value, written.Length!.Value));
    }
}
