using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests.Kernels;

/// <summary>A session's kernel as clients see it, and a restart after a crash: fresh kernel, same memory, buffers bound to their names.</summary>
public sealed class RestartTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<SessionDto> SessionAsync(string id) => (await server.Http.GetFromJsonAsync<SessionDto>($"/api/sessions/{id}", ServerFixture.Json, Ct))!;

    [Fact]
    public async Task Crash_ThenRestart_ServesTheOldBytesUnderTheOldNames()
    {
        var s = await server.NewSessionAsync("restarted");
        var created = await server.NewBufferAsync(s.Id, new { name = "api", format = "<i", shape = new[] { 2, 3 }, order = "F", fill = new { kind = "ramp" } });
        await server.RunAsync(s.Id, "import bufferscope\nmine = bufferscope.MemBuf([4], 'B', data=b'\\x01\\x02\\x03\\x04')\nsecret = 1\nkept = bufferscope.MemBuf([4], 'B', source='managed')");
        var before = await SessionAsync(s.Id);
        Assert.Equal("idle", before.Kernel!.State);

        await server.Http.PostAsJsonAsync($"/api/sessions/{s.Id}/run", new { code = "import ctypes\nctypes.string_at(0)" }, Ct);
        var dead = await SessionAsync(s.Id);
        Assert.Equal("dead", dead.Kernel!.State);
        Assert.Equal(11, dead.Kernel.LastExit!.Signal);
        // A dead kernel's buffers are still listed, from what the server kept of them.
        var listed = await server.Http.GetFromJsonAsync<BufferDto[]>($"/api/sessions/{s.Id}/buffers", ServerFixture.Json, Ct);
        Assert.Equal(["api", "mine", "kept"], listed!.Select(b => b.Name));
        // Each descriptor says whether its memory went with the kernel: only the managed one did.
        Assert.Equal([false, false, true], listed!.Select(b => b.Source.DiesWithKernel));

        var restart = await server.Http.PostAsync($"/api/sessions/{s.Id}/restart", null, Ct);
        Assert.True(restart.IsSuccessStatusCode, await restart.Content.ReadAsStringAsync(Ct));
        var result = (await restart.Content.ReadFromJsonAsync<RestartDto>(ServerFixture.Json, Ct))!;

        Assert.Equal("idle", result.Session.Kernel!.State);
        Assert.NotEqual(before.Kernel.Pid, result.Session.Kernel.Pid);
        Assert.Equal(["api", "mine"], result.Rebound.Select(b => b.Name));
        Assert.Contains(result.Lost, l => l.StartsWith("kept: managed memory", StringComparison.Ordinal));
        var api = result.Rebound.Single(b => b.Name == "api");
        Assert.Equal(created.Format, api.Format);
        Assert.Equal(created.Shape, api.Shape);
        Assert.Equal(created.Strides, api.Strides);
        Assert.NotEqual(created.Id, api.Id); // new ids: an old id never names a new buffer
        Assert.Equal("(b'\\x01\\x02\\x03\\x04', (2, 3), '<i', False)",
            (await server.RunAsync(s.Id, "bytes(mine), api.shape, api.format, 'secret' in globals()")).Result);
        // ramp numbers items in index order; in Fortran order bytes 4-8 hold item [1, 0], which is 3
        Assert.Equal(BitConverter.GetBytes(3), (await server.Http.GetByteArrayAsync($"/api/sessions/{s.Id}/buffers/{api.Id}/memory?offset=4&length=4", Ct)));
    }

    [Fact]
    public async Task KernelStates_AreOnTheEventsStream()
    {
        var s = await server.NewSessionAsync("states");
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var states = new List<string>();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in hub.StreamAsync<HubEvent>("Events", s.Id, stop.Token))
                    if (e.Kind == "kernelStateChanged")
                        lock (states) states.Add(e.Kernel!.State);
            }
            catch (OperationCanceledException) { }
        }, Ct);
        // The stream is open once a run's state change shows on it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await server.RunAsync(s.Id, "1");
            lock (states) if (states.Contains("busy") && states[^1] == "idle") break;
            Assert.True(clock.Elapsed < ServerFixture.Timeout, "no kernelStateChanged arrived");
        }
        lock (states) states.Clear();

        await server.Http.PostAsJsonAsync($"/api/sessions/{s.Id}/run", new { code = "import os\nos.abort()" }, Ct);
        await server.Http.PostAsync($"/api/sessions/{s.Id}/restart", null, Ct);

        while (true)
        {
            lock (states) if (states.Contains("restarting") && states[^1] == "idle") break;
            Assert.True(clock.Elapsed < ServerFixture.Timeout * 2, $"states seen: {string.Join(", ", states)}");
            await Task.Delay(20, Ct);
        }
        await stop.CancelAsync();
        await reading;
        // The warm-up run's own busy and idle may still arrive after the clear: the last four are this test's.
        Assert.Equal(["busy", "dead", "restarting", "idle"], states.TakeLast(4));
    }

    [Fact]
    public async Task OldBufferId_AfterRestart_IsNoBuffer()
    {
        var s = await server.NewSessionAsync("old-ids");
        var old = await server.NewBufferAsync(s.Id, new { name = "frame", shape = new[] { 8 } });
        await server.Http.PostAsync($"/api/sessions/{s.Id}/restart", null, Ct);

        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        var e = await Assert.ThrowsAsync<HubException>(async () => { await foreach (var _ in hub.StreamAsync<WatchFrame>("WatchMemory", old.Id, 0L, 8, Ct)) { } });
        Assert.Contains($"no buffer with id {old.Id}", e.Message);
    }
}
