using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Bufferscope.Dashboard.Api.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// A client that opens as many 1 MiB watches as it may and never reads a byte, over raw
/// WebSockets (a SignalR client would read and buffer on its side). The server, its own process
/// here so its resident memory can be read, holds no more than the watch budget for them, and
/// gives it back once they are gone.
/// </summary>
public sealed class WatchBudgetTests
{
    private const int MiB = 1 << 20;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThousandUnreadWatches_HoldAtMostTheBudget_AndGiveItBack()
    {
        await using var server = await ServerProcess.StartAsync([]);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = ServerFixture.Timeout };
        http.DefaultRequestHeaders.Authorization = new("Bearer", server.Token);
        var session = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "watched" }, Ct)).Content.ReadFromJsonAsync<SessionDto>(ServerFixture.Json, Ct))!;
        var created = await http.PostAsJsonAsync($"/api/sessions/{session.Id}/buffers", new { name = "big", shape = new[] { MiB }, fill = new { kind = "ramp" } }, Ct);
        var buffer = (await created.Content.ReadFromJsonAsync<BufferDto>(ServerFixture.Json, Ct))!;

        // Warm the watch path once with a client that reads, so its first use is not counted as growth.
        await using (var reader = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/buffers"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(server.Token)).Build())
        {
            await reader.StartAsync(Ct);
            await using var frames = reader.StreamAsync<Hubs.WatchFrame>("WatchMemory", buffer.Id, 0L, MiB, Ct).GetAsyncEnumerator(Ct);
            Assert.True(await frames.MoveNextAsync());
        }
        await WaitFor(http, s => s.HubConnections == 0 && s.WatchBytes == 0);
        var before = server.ResidentBytes();

        // 16 connections (the most one client may have) x 63 watch requests: 1,008, none read.
        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var c = 0; c < 16; c++)
            {
                var socket = new ClientWebSocket();
                socket.Options.SetRequestHeader("Authorization", "Bearer " + server.Token);
                await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/hubs/buffers"), Ct);
                sockets.Add(socket);
                await SendAsync(socket, """{"protocol":"json","version":1}""");
                for (var i = 0; i < 63; i++)
                    await SendAsync(socket, $$"""{"type":4,"invocationId":"{{i}}","target":"WatchMemory","arguments":[{{buffer.Id}},0,{{MiB}}]}""");
            }
            var budget = 256L * MiB;
            var perWatch = 3L * MiB; // shadow, compare copy, the frame the client does not take
            var full = await WaitFor(http, s => s.HubConnections == 16 && s.WatchBytes == budget / perWatch * perWatch);
            var held = server.ResidentBytes();
            TestContext.Current.TestOutputHelper?.WriteLine($"watches: {full.HubStreams} held, RSS {before / MiB} MiB before, {held / MiB} MiB while held, budget {budget / MiB} MiB");
            Assert.Equal(budget / perWatch, full.HubStreams);
            Assert.True(held - before <= budget + 64L * MiB, $"RSS grew by {(held - before) / MiB} MiB for {full.HubStreams} unread watches; the budget is {budget / MiB} MiB");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }

        await WaitFor(http, s => s.HubConnections == 0 && s.HubStreams == 0 && s.WatchBytes == 0);
        var clock = Stopwatch.StartNew();
        long after;
        while ((after = server.ResidentBytes()) - before > 64L * MiB && clock.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(100, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"RSS {after / MiB} MiB {clock.Elapsed.TotalSeconds:F1} s after the watches ended");
        Assert.True(after - before <= 64L * MiB, $"RSS still {(after - before) / MiB} MiB above where it was, 30 s after the watches ended");
    }

    private static Task SendAsync(ClientWebSocket socket, string message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + "\u001e"), WebSocketMessageType.Text, endOfMessage: true, Ct);

    /// <summary>Polls /api/status until <paramref name="done"/> holds, for at most 30 s.</summary>
    private static async Task<StatusDto> WaitFor(HttpClient http, Func<StatusDto, bool> done)
    {
        var clock = Stopwatch.StartNew();
        StatusDto status;
        while (!done(status = (await http.GetFromJsonAsync<StatusDto>("/api/status", ServerFixture.Json, Ct))!))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting; status is {status}");
            await Task.Delay(50, Ct);
        }
        return status;
    }
}
