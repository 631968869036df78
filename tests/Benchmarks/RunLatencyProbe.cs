using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Bufferscope.Benchmarks;

/// <summary>
/// How a console run's latency settles in a fresh server: 1+1 through POST /run (a Content-Length
/// body, as curl, requests and browsers send it) in blocks of 300, once back to back and once
/// with a second between blocks, each in a server of its own; then the same run called in the
/// server without HTTP. On two cores a closed loop of client, server and kernel keeps both busy,
/// and the runtime's background compiler (tier-1 code for what ReadyToRun precompiled) gets
/// little time until the loop pauses.
/// </summary>
internal static class RunLatencyProbe
{
    private const int Blocks = 8;
    private const int PerBlock = 300;

    public static async Task<int> RunAsync()
    {
        var backToBack = await CurveAsync(TimeSpan.Zero);
        var paced = await CurveAsync(TimeSpan.FromSeconds(1));
        Console.WriteLine($"run-latency: run 1+1 p50 per {PerBlock} runs of a fresh server, back to back: {string.Join(" ", backToBack.Curve.Select(p => p.ToString("F2")))} ms; " +
            $"with 1 s between blocks: {string.Join(" ", paced.Curve.Select(p => p.ToString("F2")))} ms; KernelSessions.RunAsync in the server after them p50 {paced.Direct:F2} ms");
        return 0;
    }

    private static async Task<(List<double> Curve, double Direct)> CurveAsync(TimeSpan pause)
    {
        await using var server = await TestServer.StartAsync("--Bufferscope:Limits:RunsPerMinute=1000000");
        using var http = server.Client();
        var session = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "probe" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var run = $"/api/sessions/{session}/run";
        var sessions = server.App.Services.GetRequiredService<KernelSessions>();
        var curve = new List<double>();
        for (var b = 0; b < Blocks; b++)
        {
            curve.Add(await P50(async () => (await http.PostAsync(run, new StringContent("""{"code":"1 + 1"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode()));
            await Task.Delay(pause);
        }
        return (curve, await P50(() => sessions.RunAsync(session, "1 + 1")));
    }

    private static async Task<double> P50(Func<Task> call)
    {
        var times = new List<double>();
        for (var i = 0; i < PerBlock; i++)
        {
            var clock = Stopwatch.StartNew();
            await call();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
