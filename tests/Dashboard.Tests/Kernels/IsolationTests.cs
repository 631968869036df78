using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Tests.Kernels;

/// <summary>
/// What one shared interpreter used to cost, session by session, on the real server: each snippet
/// that crashed it, stalled it or reached into other sessions now runs in a victim session, and a
/// bystander session keeps its variables, its buffer's bytes and its answers.
/// </summary>
public sealed class IsolationTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static readonly TheoryData<string, string> Sabotage = new()
    {
        { "segfault", "import ctypes\nctypes.string_at(0)" },
        { "exit", "import os\nos._exit(0)" },
        { "abort", "import os\nos.abort()" },
        { "stack", "x = []\nfor _ in range(200_000):\n    x = [x]\nrepr(x)" },
        { "builtins", "__builtins__['len'] = None if isinstance(__builtins__, dict) else None\nimport builtins\nbuiltins.len = None" },
        { "signals", "import signal\nsignal.signal(signal.SIGUSR1, signal.SIG_IGN)" },
        { "stdout", "import os\nos.close(1)\nos.close(2)" },
        { "fork", "import os\npid = os.fork()\nif pid == 0:\n    import time; time.sleep(30); os._exit(0)" },
        { "gc", "import gc\nfound = [o for o in gc.get_objects() if isinstance(o, dict) and 'secret' in o]\nfor d in found: d['secret'] = 'stolen'" },
    };

    [Theory]
    [MemberData(nameof(Sabotage))]
    public async Task Sabotage_InOneSession_LeavesAnotherAsItWas(string name, string code)
    {
        var bystander = await server.NewSessionAsync($"bystander-{name}");
        await server.RunAsync(bystander.Id, "import bufferscope\nsecret = 'mine'\nframe = bufferscope.MemBuf([8], 'B', fill='ramp')");
        var victim = await server.NewSessionAsync($"victim-{name}");

        var response = await server.Http.PostAsJsonAsync($"/api/sessions/{victim.Id}/run", new { code }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal("2", (await server.RunAsync(bystander.Id, "1 + 1")).Result);
        Assert.Equal("('mine', b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07')", (await server.RunAsync(bystander.Id, "secret, bytes(frame)")).Result);
        var buffers = await server.Http.GetFromJsonAsync<BufferDto[]>($"/api/sessions/{bystander.Id}/buffers", ServerFixture.Json, Ct);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], await server.Http.GetByteArrayAsync($"/api/sessions/{bystander.Id}/buffers/{buffers!.Single().Id}/memory", Ct));
        Assert.Equal("ok", (await server.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/healthz", Ct)).GetProperty("status").GetString());
        await server.Http.DeleteAsync($"/api/sessions/{victim.Id}?force=true", Ct);
    }

    [Fact]
    public async Task Crash_IsReportedAsTheRunsResult_AndLaterCallsSayTheKernelDied()
    {
        var victim = await server.NewSessionAsync("crash");

        var run = await (await server.Http.PostAsJsonAsync($"/api/sessions/{victim.Id}/run", new { code = "import ctypes\nctypes.string_at(0)" }, Ct))
            .Content.ReadFromJsonAsync<RunResponse>(ServerFixture.Json, Ct);

        Assert.False(run!.Ok);
        Assert.Equal("KernelDied", run.Error!.Type);
        Assert.Equal("kernel died: SIGSEGV (signal 11) while running line 2 of In [1]", run.Error.Message);
        Assert.Contains("Fatal Python error: Segmentation fault", run.Error.Traceback);
        // One report: the kernel ends on the signal faulthandler caught, not in a second failure after it.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(run.Error.Traceback!, "Fatal Python error"));
        var after = await server.Http.PostAsJsonAsync($"/api/sessions/{victim.Id}/run", new { code = "1" }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, after.StatusCode);
        Assert.Contains("its kernel died (SIGSEGV (signal 11))", await after.Content.ReadAsStringAsync(Ct));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await server.Http.DeleteAsync($"/api/sessions/{victim.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task ForkedChild_EndsWithItsSession()
    {
        var forker = await server.NewSessionAsync("forker");
        var child = int.Parse((await server.RunAsync(forker.Id, "import os, time\npid = os.fork()\nif pid == 0:\n    while True: time.sleep(1)\npid")).Result!);
        Assert.True(Directory.Exists($"/proc/{child}"));

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await server.Http.DeleteAsync($"/api/sessions/{forker.Id}?force=true", Ct)).StatusCode);

        // Reaped with its kernel's process group: gone, or a zombie no longer running anything.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (File.Exists($"/proc/{child}/status") && !File.ReadAllText($"/proc/{child}/status").Contains("State:\tZ"))
        {
            Assert.True(clock.Elapsed < ServerFixture.Timeout, $"process {child}, forked in the session, outlived it");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Sleep_InOneSession_DoesNotDelayAnother()
    {
        var sleeper = await server.NewSessionAsync("sleeper");
        var other = await server.NewSessionAsync("other");
        await server.RunAsync(other.Id, "1");
        var sleeping = server.Http.PostAsJsonAsync($"/api/sessions/{sleeper.Id}/run", new { code = "import time\ntime.sleep(3)" }, Ct);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("2", (await server.RunAsync(other.Id, "1 + 1")).Result);

        Assert.False(sleeping.IsCompleted, "the sleep ended first: nothing was measured");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"1 + 1 took {clock.Elapsed} while another session slept");
        (await sleeping).EnsureSuccessStatusCode();
    }
}
