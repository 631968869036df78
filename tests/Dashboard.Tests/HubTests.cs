using System.Net.Http.Json;
using System.Diagnostics;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

public sealed class HubTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Events_MemoryviewAcquireAndRelease_CountOneThenZero(bool messagePack)
    {
        var s = await server.NewSessionAsync("hub");
        await using var hub = server.Hub(messagePack);
        await hub.StartAsync(Ct);
        await using var events = new StreamRecorder<HubEvent>(ct => hub.StreamAsync<HubEvent>("Events", s.Id, ct));
        // The stream is open on the server once it delivers: make a buffer until its creation arrives.
        for (var i = 0; !events.Items.Any(e => e.Kind == "bufferCreated"); i++)
        {
            await server.NewBufferAsync(s.Id, new { name = $"frame{i}", format = "<d", shape = new[] { 4, 4 } });
            await Task.Delay(100, Ct);
        }
        await server.RunAsync(s.Id, "frame = frame0");

        await server.RunAsync(s.Id, "mv = memoryview(frame)");
        var acquired = (await events.WaitFor(e => e.Any(x => x.Kind == "exportAcquired"))).Single(x => x.Kind == "exportAcquired");
        Assert.Equal((1, 1), (acquired.Exports, acquired.Coalesced));
        Assert.Equal("<d", acquired.View!.Format);
        Assert.Matches(@"^In \[\d+\], line 1$", acquired.View.Origin);

        await server.RunAsync(s.Id, "mv.release()");
        var released = (await events.WaitFor(e => e.Any(x => x.Kind == "exportReleased"))).Single(x => x.Kind == "exportReleased");
        Assert.Equal((0, acquired.ViewId), (released.Exports, released.ViewId));
        Assert.Contains(events.Items, e => e.Kind == "consoleRan" && e.Run!.Ok);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Events_ConsoleOutput_ArrivesWhileTheRunRuns_WithItsNumber(bool messagePack)
    {
        var s = await server.NewSessionAsync("streamed");
        await using var hub = server.Hub(messagePack);
        await hub.StartAsync(Ct);
        await using var events = new StreamRecorder<HubEvent>(ct => hub.StreamAsync<HubEvent>("Events", s.Id, ct));
        for (var i = 0; !events.Items.Any(e => e.Kind == "consoleRan"); i++)
            await server.RunAsync(s.Id, "1"); // until the stream is open on the server

        var run = server.RunAsync(s.Id, "import time\nprint('first')\ntime.sleep(1.5)\nprint('second')");
        var first = (await events.WaitFor(e => e.Any(x => x.Kind == "consoleOutput" && x.Output!.Text.Contains("first")))).First(x => x.Kind == "consoleOutput");
        Assert.False(run.IsCompleted, "the output came while the run still slept");
        var answer = await run;
        Assert.Equal((answer.N, "stdout"), (first.Output!.N, first.Output.Stream));
        await events.WaitFor(e => e.Any(x => x.Kind == "consoleOutput" && x.Output!.Text.Contains("second")));
    }

    [Fact]
    public async Task ConsoleRan_TheRunIsInTheHistory_WhenItsEventArrives()
    {
        // A page reads the history when it hears of a run (the checks panel's suggestions, a
        // view's origin). The kernel's consoleRan can come before the run's answer: every other
        // run here answers with a 10 MB repr, and the history was written only with the answer.
        var s = await server.NewSessionAsync("history");
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        // Each consoleRan's n, and the code the history has under n when the event is read.
        var seen = System.Threading.Channels.Channel.CreateUnbounded<(long N, string? Code)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var reading = Task.Run(async () =>
        {
            await foreach (var e in hub.StreamAsync<HubEvent>("Events", s.Id, stop.Token))
                if (e.Kind == "consoleRan")
                {
                    var history = await server.Http.GetFromJsonAsync<List<HistoryDto>>($"/api/sessions/{s.Id}/history", stop.Token);
                    await seen.Writer.WriteAsync((e.Run!.N, history!.SingleOrDefault(h => h.N == e.Run.N)?.Code), stop.Token);
                }
        }, stop.Token);
        while (!seen.Reader.TryRead(out _))
            await server.RunAsync(s.Id, "0"); // until the stream is open on the server

        for (var i = 1; i <= 30; i++)
        {
            var run = await server.RunAsync(s.Id, $"{i} + 0 if {i} % 2 else 'x' * 10_000_000");
            (long N, string? Code) e;
            do e = await seen.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
            while (e.N < run.N); // the runs before the stream was open
            Assert.Equal((run.N, $"{i} + 0 if {i} % 2 else 'x' * 10_000_000"), e);
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task Events_UnknownSession_IsAnError()
    {
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        var e = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in hub.StreamAsync<HubEvent>("Events", "nope", Ct)) { }
        });
        Assert.Contains("no session with id 'nope'", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WatchMemory_NumpyWrite_ArrivesAsFrameWithTheBytes(bool messagePack)
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "frame", format = "<d", shape = new[] { 8, 8 } });
        await server.RunAsync(s.Id, "import numpy as np\na = np.asarray(frame)");
        await using var hub = server.Hub(messagePack);
        await hub.StartAsync(Ct);
        await using var frames = new StreamRecorder<WatchFrame>(ct => hub.StreamAsync<WatchFrame>("WatchMemory", b.Id, 64L, 128, ct));
        var first = (await frames.WaitFor(f => f.Count >= 1))[0];
        Assert.Equal((64L, 128, 1L), (first.Offset, first.Data.Length, first.Version));
        Assert.All(first.Data.ToArray(), x => Assert.Equal(0, x));

        await server.RunAsync(s.Id, "a[1, 2] = 1.5");
        var frame = (await frames.WaitFor(f => f.Count >= 2))[1];
        // a[1, 2] is at byte 80 of the allocation: 16 bytes into the window.
        Assert.Equal(BitConverter.GetBytes(1.5), frame.Data[16..24].ToArray());
        Assert.Equal([new ChangedRange(86, 2)], frame.Changed); // 1.5 differs from 0.0 in its two top bytes
    }

    [Fact]
    public async Task WatchMemory_QuiescentBuffer_SendsNothingAfterTheFirstFrame_ThenSeesServerWrites()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "still", shape = new[] { 256 } });
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        await using var frames = new StreamRecorder<WatchFrame>(ct => hub.StreamAsync<WatchFrame>("WatchMemory", b.Id, 0L, 256, ct));
        await frames.WaitFor(f => f.Count == 1);
        await server.RunAsync(s.Id, "x = bytes(still)"); // a read-only use: nothing can change
        await Task.Delay(300, Ct);
        Assert.Single(frames.Items);

        await server.Http.PutAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory?offset=10", new ByteArrayContent([7]), Ct);
        var frame = (await frames.WaitFor(f => f.Count == 2))[1];
        Assert.Equal(7, frame.Data.Span[10]);
        Assert.Equal([new ChangedRange(10, 1)], frame.Changed);
    }

    [Fact]
    public async Task WatchMemory_ShortLivedViewWrite_IsNotMissed()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "quick", shape = new[] { 32 } });
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        await using var frames = new StreamRecorder<WatchFrame>(ct => hub.StreamAsync<WatchFrame>("WatchMemory", b.Id, 0L, 32, ct));
        await frames.WaitFor(f => f.Count == 1);
        await server.RunAsync(s.Id, "with memoryview(quick) as m:\n    m[3] = 9");
        var frame = (await frames.WaitFor(f => f.Count == 2))[1];
        Assert.Equal(9, frame.Data.Span[3]);
    }

    [Theory]
    [InlineData(0L, 0, "a window is 1 to 65536 bytes")]
    [InlineData(0L, 100_000, "a window is 1 to 65536 bytes")]
    [InlineData(-1L, 8, "outside the allocation")]
    [InlineData(60L, 8, "outside the allocation")]
    public async Task WatchMemory_BadWindow_IsAnError(long offset, int length, string message)
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "small", shape = new[] { 64 } });
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        var e = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in hub.StreamAsync<WatchFrame>("WatchMemory", b.Id, offset, length, Ct)) { }
        });
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task WatchMemory_ClientThatNeverReads_DoesNotSlowAnother()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "busy", shape = new[] { 65536 } });
        await using var stalled = server.Hub();
        await stalled.StartAsync(Ct);
        // Opened and never read: its frames pile up until its connection stops taking them.
        var never = stalled.StreamAsync<WatchFrame>("WatchMemory", b.Id, 0L, 65536, Ct).GetAsyncEnumerator(Ct);
        _ = never.MoveNextAsync();

        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        await using var frames = new StreamRecorder<WatchFrame>(ct => hub.StreamAsync<WatchFrame>("WatchMemory", b.Id, 0L, 1024, ct));
        await frames.WaitFor(f => f.Count == 1);
        await server.RunAsync(s.Id, """
            import numpy as np, threading, time
            a = np.asarray(busy)
            stop = threading.Event()
            def churn():
                while not stop.is_set():
                    a[:] += 1
                    time.sleep(0.005)
            t = threading.Thread(target=churn, daemon=True); t.start()
            """);
        try
        {
            var clock = Stopwatch.StartNew();
            await frames.WaitFor(f => f.Count >= 31);
            // 30 frames at 30/s take ~1 s; a stall behind the other client would take far longer.
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 4);
        }
        finally
        {
            await server.RunAsync(s.Id, "stop.set(); t.join()");
        }
        var versions = frames.Items.Select(f => f.Version).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task Run_Runaway_IsStoppedAndTheNextRequestIsServed()
    {
        var s = await server.NewSessionAsync();
        var clock = Stopwatch.StartNew();
        var response = await server.Http.PostAsync($"/api/sessions/{s.Id}/run",
            System.Net.Http.Json.JsonContent.Create(new { code = "i = 0\nwhile True:\n    i += 1" }), Ct);
        var run = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Api.Contracts.RunResponse>(response.Content, ServerFixture.Json, Ct);
        Assert.True(run!.TimedOut);
        Assert.InRange(clock.Elapsed.TotalSeconds, 9, 14); // the default 10 s limit
        Assert.Equal("2", (await server.RunAsync(s.Id, "1 + 1")).Result);
    }

    [Fact]
    public async Task Interrupt_RunningSnippet_StopsItWithKeyboardInterrupt()
    {
        var s = await server.NewSessionAsync();
        var clock = Stopwatch.StartNew();
        var running = server.Http.PostAsync($"/api/sessions/{s.Id}/run",
            System.Net.Http.Json.JsonContent.Create(new { code = "import time\nstarted = True\ntime.sleep(30)" }), Ct);
        // Asked before the snippet starts, the interrupt answers false and changes nothing.
        async Task<bool> InterruptAsync(string sid)
        {
            var r = await server.Http.PostAsync($"/api/sessions/{sid}/interrupt", null, Ct);
            r.EnsureSuccessStatusCode();
            var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Api.Contracts.InterruptResponse>(r.Content, ServerFixture.Json, Ct);
            return body!.Interrupted;
        }
        while (!await InterruptAsync(s.Id))
        {
            Assert.True(clock.Elapsed < ServerFixture.Timeout, "the snippet never started");
            await Task.Delay(20, Ct);
        }
        var response = await running;
        var run = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Api.Contracts.RunResponse>(response.Content, ServerFixture.Json, Ct);
        Assert.Equal("KeyboardInterrupt", run!.Error?.Type);
        Assert.False(run.TimedOut);
        Assert.True(clock.Elapsed.TotalSeconds < 8, $"took {clock.Elapsed}");
        Assert.False(await InterruptAsync(s.Id));
    }
}
