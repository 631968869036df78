using Bufferscope.Dashboard.Components.Panels;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

/// <summary>A panel's one subscription, restarted by events that overlap, as a scroll report during a jump does.</summary>
[Collection(nameof(ComponentsCollection))]
public sealed class LivePanelTests : ComponentTest
{
    /// <summary>A panel whose runs count themselves while they are live.</summary>
    private sealed class Probe : LivePanel
    {
        private int _live;
        public int Live => Volatile.Read(ref _live);
        public List<int> Started { get; } = [];

        public Task Start(int id) => Restart(async ct =>
        {
            lock (Started) Started.Add(id);
            Interlocked.Increment(ref _live);
            try { await Task.Delay(Timeout.Infinite, ct); }
            finally { Interlocked.Decrement(ref _live); }
        });
    }

    [Fact]
    public async Task TwoRestartsOverlapping_OnlyTheLastRunStaysLive()
    {
        var cut = Render<Probe>();
        var probe = cut.Instance;
        await cut.InvokeAsync(() => probe.Start(0));
        await Until(() => probe.Live == 1, "run 0 live");

        // Both on the renderer: the second arrives while the first awaits the end of run 0.
        Task first = Task.CompletedTask, second = Task.CompletedTask;
        await cut.InvokeAsync(() =>
        {
            first = probe.Start(1);
            second = probe.Start(2);
        });
        await Task.WhenAll(first, second).WaitAsync(Wait, Xunit.TestContext.Current.CancellationToken);

        await Until(() => { lock (probe.Started) return probe.Started.Contains(2); }, "run 2 started");
        Assert.Equal(1, probe.Live);

        await cut.InvokeAsync(() => probe.DisposeAsync().AsTask());
        Assert.Equal(0, probe.Live);
    }
}
