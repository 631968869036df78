using System.Net;
using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Tests.Kernels;

/// <summary>
/// Sessions outlive their server: stopped and started again on the same data directory, the
/// server brings back each session with its id, interpreter, buffers (bytes included) and console
/// history, in fresh kernels. A session deleted is gone from the store and its files with it.
/// </summary>
public sealed class ServerRestartTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _data = TestServer.NewDataDirectory();
    private readonly string _memory = Path.Combine(Path.GetTempPath(), $"bufferscope-shm-test-{Guid.NewGuid():n}");

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        if (Directory.Exists(_memory))
            Directory.Delete(_memory, recursive: true);
    }

    private Task<TestServer> StartAsync() =>
        TestServer.StartAsync($"--Bufferscope:DataDirectory={_data}", $"--Bufferscope:Kernels:MemoryDirectory={_memory}", "--Bufferscope:Limits:RunsPerMinute=100000");

    private static Task<RunResponse> RunAsync(HttpClient http, string session, string code) => ServerFixture.RunAsync(http, session, code, mustSucceed: false);

    [Fact]
    public async Task ServerRestart_BringsBackSessions_TheirBuffersBytes_AndHistory()
    {
        string sid, other;
        long big;
        await using (var first = await StartAsync())
        {
            using var http = first.Client();
            var created = await (await http.PostAsJsonAsync("/api/sessions", new { name = "kept" }, Ct)).Content.ReadFromJsonAsync<SessionDto>(ServerFixture.Json, Ct);
            sid = created!.Id;
            other = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "second" }, Ct)).Content.ReadFromJsonAsync<SessionDto>(ServerFixture.Json, Ct))!.Id;
            var api = await http.PostAsJsonAsync($"/api/sessions/{sid}/buffers", new { name = "frame", format = "<d", shape = new[] { 3, 4 }, fill = new { kind = "ramp" } }, Ct);
            Assert.True(api.IsSuccessStatusCode, await api.Content.ReadAsStringAsync(Ct));
            // 256 MiB of which one page is written: saving it costs that page, not its length.
            big = (await (await http.PostAsJsonAsync($"/api/sessions/{sid}/buffers", new { name = "big", format = "B", shape = new[] { 256 << 20 } }, Ct)).Content.ReadFromJsonAsync<BufferDto>(ServerFixture.Json, Ct))!.Id;
            Assert.Equal(1, (await RunAsync(http, sid, "import bufferscope\nmine = bufferscope.MemBuf([4], 'B', data=b'\\x01\\x02\\x03\\x04')\nmanaged = bufferscope.MemBuf([2], 'B', source='managed')\nmemoryview(big)[-1] = 7")).N);
            Assert.Equal(2, (await RunAsync(http, sid, "1/0")).N);
            Assert.Equal(3, (await RunAsync(http, sid, "memoryview(frame).cast('B').cast('d')[5] = -1.5\nlen(bytes(mine))")).N);
        }
        // Stopped: no kernel, nothing left on tmpfs; what was written saved, sparse.
        Assert.Empty(Directory.Exists(_memory) ? Directory.GetFileSystemEntries(_memory) : []);
        var saved = Directory.GetFiles(Path.Combine(_data, "sessions", sid));
        Assert.Equal(3, saved.Length); // frame, big, mine: managed memory died with its kernel
        Assert.True(saved.Sum(DiskBytes) < 1 << 20, $"saved files take {saved.Sum(DiskBytes)} bytes on disk");

        await using var second = await StartAsync();
        using var client = second.Client();
        var sessions = (await client.GetFromJsonAsync<SessionDto[]>("/api/sessions", ServerFixture.Json, Ct))!;
        Assert.Equal([sid, other], sessions.Select(s => s.Id));
        Assert.Equal(["kept", "second"], sessions.Select(s => s.Name));

        // A call on a session whose kernel is still coming back waits for it.
        var run = await RunAsync(client, sid, "(bytes(mine), memoryview(frame).cast('B').cast('d').tolist(), memoryview(big)[-1], 'managed' in globals())");
        Assert.True(run.Ok, run.Error?.Traceback);
        Assert.Equal("(b'\\x01\\x02\\x03\\x04', [0.0, 1.0, 2.0, 3.0, 4.0, -1.5, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], 7, False)", run.Result);
        Assert.Equal(4, run.N);

        var session = (await client.GetFromJsonAsync<SessionDto>($"/api/sessions/{sid}", ServerFixture.Json, Ct))!;
        Assert.Equal("idle", session.Kernel!.State);
        Assert.StartsWith("the server restarted: a fresh kernel, 3 buffers bound again; lost: managed: managed memory", session.Kernel.LastExit!.Reason);
        var buffers = (await client.GetFromJsonAsync<BufferDto[]>($"/api/sessions/{sid}/buffers", ServerFixture.Json, Ct))!;
        Assert.Equal(["frame", "big", "mine"], buffers.Select(b => b.Name));
        Assert.DoesNotContain(big, buffers.Select(b => b.Id)); // new kernel, new ids: an old id never names a new buffer

        var history = (await client.GetFromJsonAsync<HistoryDto[]>($"/api/sessions/{sid}/history", ServerFixture.Json, Ct))!;
        Assert.Equal([1L, 2, 3, 4], history.Select(h => h.N));
        Assert.Equal([true, false, true, true], history.Select(h => h.Ok));
        Assert.Equal("ZeroDivisionError: division by zero", history[1].Result);
        Assert.Equal("4", history[2].Result);
        Assert.Equal("1/0", history[1].Code);

        // Deleting removes its rows and saved memory: the next start does not bring it back.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/sessions/{sid}?force=true", Ct)).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(_data, "sessions", sid)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/sessions/{sid}/history", Ct)).StatusCode);
        await second.DisposeAsync();
        await using var third = await StartAsync();
        using var again = third.Client();
        Assert.Equal([other], (await again.GetFromJsonAsync<SessionDto[]>("/api/sessions", ServerFixture.Json, Ct))!.Select(s => s.Id));
    }

    [Fact]
    public async Task Start_RemovesTheMemoryOfKilledServersWhoseDataDirectoryIsGone()
    {
        var orphan = Directory.CreateDirectory(Path.Combine(_memory, "data-0123456789abcdef", "s1")).Parent!.FullName;
        File.WriteAllBytes(Path.Combine(orphan, "s1", "b1"), new byte[4096]);
        File.WriteAllText(Path.Combine(orphan, "data-directory"), Path.Combine(_data, "gone")); // its data directory, deleted since
        var starting = Directory.CreateDirectory(Path.Combine(_memory, "data-fedcba9876543210")).FullName; // no owner yet: a server starting now

        await using var server = await StartAsync();
        using var http = server.Client();
        (await http.GetAsync("/api/sessions", Ct)).EnsureSuccessStatusCode(); // the sessions are up

        Assert.False(Directory.Exists(orphan));
        Assert.True(Directory.Exists(starting));
    }

    /// <summary>Bytes a file really takes on disk (st_blocks × 512), holes not counted.</summary>
    private static long DiskBytes(string path)
    {
        var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true })!;
        var parts = stat.StandardOutput.ReadToEnd().Split(' ');
        stat.WaitForExit();
        return long.Parse(parts[0]) * long.Parse(parts[1]);
    }
}
