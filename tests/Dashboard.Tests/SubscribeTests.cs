using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;
using Bufferscope.Dashboard.Model;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// The hub's Subscribe: one snapshot, then batches, folded by the dashboard's own model
/// (<see cref="SessionState"/>), end exactly where the server's list is, even while Python makes
/// views during the subscribe.
/// </summary>
public sealed class SubscribeTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Folds the stream into a state in the background; tests wait for what they expect, with a timeout.</summary>
    private sealed class Folded : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private readonly SessionState _state = new();
        private readonly List<string> _kinds = [];
        public int Snapshots;

        public Folded(HubConnection hub, string sessionId) => _task = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in hub.StreamAsync<SessionUpdate>("Subscribe", sessionId, _stop.Token))
                    lock (_state)
                    {
                        if (update.Snapshot is { } snapshot) { _state.Apply(snapshot); Snapshots++; }
                        else { _state.Apply(update.Events!); _kinds.AddRange(update.Events!.Select(e => e.Kind)); }
                    }
            }
            catch (OperationCanceledException) { }
        });

        public async Task<T> Until<T>(Func<SessionState, IReadOnlyList<string>, T?> read) where T : class
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < ServerFixture.Timeout)
            {
                lock (_state)
                    if (_state.Loaded && read(_state, _kinds) is { } value)
                        return value;
                Assert.False(_task.IsCompleted, "the stream ended");
                await Task.Delay(10, Ct);
            }
            throw new TimeoutException("the folded state never got there");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _task;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Snapshot_ThenBatches_FoldToTheServersList(bool messagePack)
    {
        var s = await server.NewSessionAsync("subscribed");
        await server.NewBufferAsync(s.Id, new { name = "frame", format = "<i", shape = new[] { 4, 4 } });
        await server.RunAsync(s.Id, "mv = memoryview(frame)");
        await using var hub = server.Hub(messagePack);
        await hub.StartAsync(Ct);

        await using var folded = new Folded(hub, s.Id);

        // The snapshot: the session with its kernel, the buffer with the view Python holds.
        var first = await folded.Until((state, _) => state.Buffers is [{ Exports: 1 } b] ? b : null);
        Assert.Equal("subscribed", (await folded.Until((state, _) => state.Session)).Name);
        Assert.Equal("idle", (await folded.Until((state, _) => state.Kernel)).State);
        Assert.Single(first.Views);

        // A MemBuf made in Python arrives with its descriptor, and again with the name it takes.
        await server.RunAsync(s.Id, "import bufferscope\nimg = bufferscope.MemBuf([2, 3], '<h')\nmv2 = memoryview(frame)[1:]");
        await folded.Until((state, _) => state.Buffers.Any(b => b.Name == "img" && b.Shape.SequenceEqual([2L, 3])) && state.Buffers[0].Views.Count == 2 ? "" : null);
        await server.RunAsync(s.Id, "del mv\nimport gc; gc.collect()");
        var truth = (await server.Http.GetFromJsonAsync<BufferDto[]>($"/api/sessions/{s.Id}/buffers", ServerFixture.Json, Ct))!;
        var views = await folded.Until((state, _) => state.Buffers[0].Views.Count == 1 ? state.Buffers[0].Views : null);
        Assert.Equal(truth[0].Views.Select(v => v.Id), views.Select(v => v.Id));
        Assert.Equal(1, folded.Snapshots);
    }

    [Fact]
    public async Task SubscribingWhilePythonMakesViews_MissesNone()
    {
        var s = await server.NewSessionAsync("busy");
        await server.NewBufferAsync(s.Id, new { name = "frame", format = "B", shape = new[] { 64 } });
        // A Python thread makes 300 views, one every millisecond or so, while the subscribe happens.
        await server.RunAsync(s.Id, """
            import threading, time
            held = []
            def make():
                for i in range(300):
                    held.append(memoryview(frame)[i % 64:])
                    time.sleep(0.001)
            maker = threading.Thread(target=make)
            maker.start()
            """);
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        await using var folded = new Folded(hub, s.Id);
        await server.RunAsync(s.Id, "maker.join()\nlen(held)");

        var truth = (await server.Http.GetFromJsonAsync<BufferDto[]>($"/api/sessions/{s.Id}/buffers", ServerFixture.Json, Ct))!.Single();
        Assert.Equal(300, truth.Exports);
        var folded300 = await folded.Until((state, _) => state.Buffers is [{ Exports: 300 } b] && b.Views.Count == 300 ? b : null);
        Assert.Equal(truth.Views.Select(v => v.Id).Order(), folded300.Views.Select(v => v.Id).Order());
    }

    [Fact]
    public async Task UnknownSession_IsRefusedNamingIt()
    {
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        var e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in hub.StreamAsync<SessionUpdate>("Subscribe", "nosuch", Ct)) { }
        });
        Assert.Contains("no session with id 'nosuch'", e.Message);
    }
}
