using System.Diagnostics;
using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// Bufferscope:Sessions:IdleTimeout, on a server of its own process (sessions in this test
/// process are shared by every server in it): a forgotten session goes, live exports and all,
/// and its memory comes back; one a client is watching stays until the watching ends.
/// </summary>
public sealed class SessionExpiryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IdleSession_IsDeletedWithItsBuffers_WatchedOneStaysUntilUnwatched()
    {
        await using var server = await ServerProcess.StartAsync(["--Bufferscope:Sessions:IdleTimeout=00:00:02"]);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = ServerFixture.Timeout };
        http.DefaultRequestHeaders.Authorization = new("Bearer", server.Token);
        async Task<string> NewSession(string name) =>
            (await (await http.PostAsJsonAsync("/api/sessions", new { name }, Ct)).Content.ReadFromJsonAsync<SessionDto>(ServerFixture.Json, Ct))!.Id;
        var forgotten = await NewSession("forgotten");
        var run = await http.PostAsJsonAsync($"/api/sessions/{forgotten}/run", new { code = "import bufferscope\nframe = bufferscope.MemBuf([1 << 20], 'B')\nmv = memoryview(frame)" }, Ct);
        Assert.True((await run.Content.ReadFromJsonAsync<RunResponse>(ServerFixture.Json, Ct))!.Ok);
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/buffers"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(server.Token)).Build();
        await hub.StartAsync(Ct);
        var watched = await NewSession("watched");
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var updates = hub.StreamAsync<Hubs.SessionUpdate>("Subscribe", watched, watching.Token).GetAsyncEnumerator(watching.Token);
        // The snapshot comes after the stream holds the session, so from here on it is watched
        // (waiting for it, not for the stream to be sent, is what keeps a slow machine honest).
        Assert.True(await updates.MoveNextAsync());
        Assert.NotNull(updates.Current.Snapshot);
        var next = updates.MoveNextAsync().AsTask();

        var left = await WaitFor(http, ids => !ids.Contains(forgotten));
        Assert.Contains(watched, left);
        var status = await http.GetFromJsonAsync<StatusDto>("/api/status", ServerFixture.Json, Ct);
        Assert.Equal(0, status!.BufferBytes); // its view went with its namespace, so its memory was freed
        await server.WaitForOutputAsync("Session 'forgotten'", TimeSpan.FromSeconds(10));
        Assert.Contains("Bufferscope:Sessions:IdleTimeout", server.Output, StringComparison.Ordinal);

        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await WaitFor(http, ids => !ids.Contains(watched));
    }

    /// <summary>Lists sessions until <paramref name="done"/> holds, for at most 20 s.</summary>
    private static async Task<List<string>> WaitFor(HttpClient http, Func<List<string>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ids = (await http.GetFromJsonAsync<SessionDto[]>("/api/sessions", ServerFixture.Json, Ct))!.Select(s => s.Id).ToList();
            if (done(ids))
                return ids;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"timed out; sessions are {string.Join(", ", ids)}");
            await Task.Delay(100, Ct);
        }
    }
}
