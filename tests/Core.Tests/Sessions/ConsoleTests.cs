using System.Diagnostics;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Tests.Sessions;

public sealed class ConsoleTests(CoreFixture fixture)
{
    [Fact]
    public async Task Run_LastExpression_IsResultAndBoundToUnderscore()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, "import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7");
        Assert.Equal(("out\n", "err\n", "42"), (r.Stdout, r.Stderr, r.Result));
        Assert.Equal("43", (await fixture.RunOkAsync(s, "_ + 1")).Result);
        Assert.Null((await fixture.RunOkAsync(s, "x = 1")).Result);
    }

    [Fact]
    public async Task Run_Output_IsStreamedWhileItRuns_InOrder_AsItsNumber()
    {
        var s = await fixture.NewSessionAsync("stream");
        using var events = fixture.Core.Events.Subscribe(s);
        var run = fixture.Sessions.RunAsync(s, "import sys, time\nprint('first')\nprint('warn', file=sys.stderr)\ntime.sleep(1.5)\nprint('second')", n: 7);
        var seen = new List<ConsoleOutput>();
        var firstBeforeTheEnd = false;
        await foreach (var batch in events.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            foreach (var e in batch.Where(e => e.Kind == Core.Live.BufferEventKind.ConsoleOutput))
            {
                seen.Add(e.Output!);
                firstBeforeTheEnd |= e.Output!.Text.Contains("first") && !run.IsCompleted;
            }
            if (batch.Any(e => e.Kind == Core.Live.BufferEventKind.ConsoleRan))
                break;
        }
        var r = await run;
        Assert.True(firstBeforeTheEnd, "the first print was streamed while the snippet still slept");
        Assert.All(seen, o => Assert.Equal(7, o.N));
        Assert.Equal(r.Stdout, string.Concat(seen.Where(o => o.Stream == "stdout").Select(o => o.Text)));
        Assert.Equal("warn\n", string.Concat(seen.Where(o => o.Stream == "stderr").Select(o => o.Text)));
        Assert.Equal("first\nsecond\n", r.Stdout);
    }

    [Fact]
    public async Task Run_Exception_KeepsTypeMessageAndTracebackOfTheSnippet()
    {
        var s = await fixture.NewSessionAsync("errors");
        var r = await fixture.Sessions.RunAsync(s, "def f():\n    raise ValueError('bad value')\nf()");
        Assert.False(r.Ok);
        Assert.Equal(("ValueError", "bad value"), (r.Error!.Type, r.Error.Message));
        Assert.Contains("line 2, in f", r.Error.Traceback);
        Assert.Contains("raise ValueError('bad value')", r.Error.Traceback); // the snippet's source line is shown
        Assert.DoesNotContain("console.py", r.Error.Traceback);

        var syntax = await fixture.Sessions.RunAsync(s, "def (:");
        Assert.Equal("SyntaxError", syntax.Error!.Type);
        var numpy = await fixture.Sessions.RunAsync(s, "import numpy as np\nnp.zeros(3).reshape(2, 2)");
        fixture.SkipWhereMissing(numpy);
        Assert.Equal("ValueError", numpy.Error!.Type);
    }

    [Fact]
    public async Task Run_SystemExit_IsReportedAndTheServerKeepsRunning()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.Sessions.RunAsync(s, "import sys\nsys.exit(3)");
        Assert.Equal(("SystemExit", "3"), (r.Error!.Type, r.Error.Message));
        Assert.False(r.TimedOut);
        Assert.Equal("2", (await fixture.RunOkAsync(s, "1 + 1")).Result);
        var exit = await fixture.Sessions.RunAsync(s, "raise SystemExit");
        Assert.Equal("SystemExit", exit.Error!.Type);
    }

    [Theory]
    [InlineData("import time\ntime.sleep(30)")]
    [InlineData("i = 0\nwhile True:\n    i += 1")]
    [InlineData("import threading\nthreading.Event().wait()")]
    public async Task Run_PastTheLimit_IsInterruptedAndNextRunIsServed(string code)
    {
        var s = await fixture.NewSessionAsync();
        var clock = Stopwatch.StartNew();
        var r = await fixture.Sessions.RunAsync(s, code, TimeSpan.FromMilliseconds(500));
        clock.Stop();
        Assert.True(r.TimedOut, $"{r.Error?.Type}: {r.Error?.Message}");
        Assert.Equal(("KeyboardInterrupt", "interrupted: the snippet ran past its time limit"), (r.Error!.Type, r.Error.Message));
        AssertNoFrameOfOurs(r.Error.Traceback);
        Assert.InRange(clock.ElapsedMilliseconds, 450, 5000);
        Assert.Equal("ok", (await fixture.RunOkAsync(s, "'ok'")).Result!.Trim('\''));
    }

    [Fact]
    public async Task Interrupt_AskedFor_SaysInterrupted_NotATimeLimit_AndShowsOnlyTheSnippet()
    {
        var s = await fixture.NewSessionAsync();
        // time imported first: an interrupt that came while the import system ran (its frames in
        // the interpreter's own lib/) once left the snippet's line out of the traceback (pyenv 3.11).
        await fixture.RunOkAsync(s, "import time");
        var run = fixture.Sessions.RunAsync(s, "time.sleep(30)", TimeSpan.FromSeconds(60));
        // Interrupt is refused until the snippet is the run in progress; the run must not end meanwhile.
        var clock = Stopwatch.StartNew();
        while (!fixture.Sessions.Interrupt(s))
        {
            Assert.False(run.IsCompleted, "the run ended before it could be interrupted");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the snippet did not start within 10 s");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        var r = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(r.TimedOut);
        Assert.Equal(("KeyboardInterrupt", "interrupted"), (r.Error!.Type, r.Error.Message));
        Assert.Contains("time.sleep(30)", r.Error.Traceback); // where it was stopped: the snippet's line
        AssertNoFrameOfOurs(r.Error.Traceback);
    }

    /// <summary>The machinery's frames (the SIGUSR1 handler, the console runner) are ours, not the user's.</summary>
    private static void AssertNoFrameOfOurs(string traceback)
    {
        Assert.DoesNotContain("on_sigusr1", traceback);
        Assert.DoesNotContain("<bufferscope:", traceback);
    }

    [Fact]
    public async Task Run_InterruptCaughtOnce_IsInterruptedAgain()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.Sessions.RunAsync(s, """
            import time
            try:
                time.sleep(30)
            except KeyboardInterrupt:
                print('caught the first one')
            time.sleep(30)
            """, TimeSpan.FromMilliseconds(300));
        Assert.True(r.TimedOut);
        Assert.Equal("caught the first one\n", r.Stdout);
    }

    [Fact]
    public async Task Run_HugeOutput_IsTruncatedAtTheLimit()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, "for i in range(200_000):\n    print('x' * 99)");
        Assert.Contains("[output truncated at 1000000 characters]", r.Stdout);
        Assert.True(r.Stdout.Length < 1_000_100);
    }

    [Fact]
    public async Task Run_CodeOverTheLimit_IsRefusedBeforeRunning()
    {
        var s = await fixture.NewSessionAsync();
        var e = await Assert.ThrowsAsync<LimitExceededException>(() => fixture.Sessions.RunAsync(s, new string('#', 100_001)));
        Assert.Contains("MaxCodeLength", e.Message);
    }

    [Fact]
    public async Task Sessions_ManyAtOnce_HaveTheirOwnNamespaces()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => fixture.NewSessionAsync($"many{i}")));
        await Task.WhenAll(ids.Select((id, i) => fixture.RunOkAsync(id, $"x = {i}\nb = bufferscope.MemBuf(shape=({i + 1},), format='B')")));
        var results = await Task.WhenAll(ids.Select(id => fixture.RunOkAsync(id, "x, b.shape")));
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal($"({i}, ({i + 1},))", results[i].Result);
            var buffer = Assert.Single(fixture.Sessions.ListBuffers(ids[i])); // made in Python, listed for its own session only
            Assert.Equal([i + 1L], buffer.Shape);
        }
    }

    [Fact]
    public async Task Run_UnknownSession_IsNotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => fixture.Sessions.RunAsync("nope", "1"));
    }
}
