using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Bufferscope.Dashboard.Tests;

namespace Bufferscope.Benchmarks;

/// <summary>
/// Checks on the real server, through the API as a client runs them: the standard case set over a
/// numpy sum consumer; the same with a consumer that crashes its kernel every 100 cases (every
/// 200th call: each case calls it twice, on the case and on the oracle's C-contiguous copy; the
/// count starts again in each new kernel, as the session's code is run there again); and how long
/// shrinking takes, per finding, for a consumer that assumes C order. One line of figures.
/// </summary>
internal static class ChecksBenchmark
{
    private const string Consumers = """
        import ctypes
        import numpy as np

        def total(b):
            return np.asarray(b).sum()

        calls = 0
        def crashy(b):
            global calls
            calls += 1
            if calls % 200 == 0:
                ctypes.string_at(0)
            return np.asarray(b).sum()

        def c_order(b):
            a = np.asarray(b)
            return np.frombuffer(ctypes.string_at(a.ctypes.data, a.nbytes), a.dtype).reshape(a.shape).tolist()
        """;

    public static async Task<int> RunAsync()
    {
        await using var server = await TestServer.StartAsync("--Bufferscope:Kernels:Warm=1", "--Bufferscope:Limits:RunsPerMinute=100000");
        using var http = server.Client();
        http.Timeout = TimeSpan.FromMinutes(10);
        var session = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "bench" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var run = await (await http.PostAsJsonAsync($"/api/sessions/{session}/run", new { code = Consumers })).Content.ReadFromJsonAsync<JsonElement>();
        if (!run.GetProperty("ok").GetBoolean())
            throw new InvalidOperationException(run.ToString());
        await Task.Delay(3500); // the warm kernel the session took is replaced: a check starts as a user's would

        var plain = await CheckAsync(http, session, "total");
        await Task.Delay(3500);
        var crashing = await CheckAsync(http, session, "crashy");
        await Task.Delay(3500);
        var shrinking = await CheckAsync(http, session, "c_order");

        var shrinks = shrinking.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("shrinkMs").GetDouble()).Order().ToList();
        Console.WriteLine(
            $"checks: {Rate(plain):0} cases/s (numpy sum consumer, standard set), {Rate(crashing):0} cases/s with a crash every 100 cases, " +
            $"shrink {shrinks[shrinks.Count / 2]:0} ms median");
        Console.WriteLine(
            $"  detail: {plain.GetProperty("done")} cases in {plain.GetProperty("elapsedMs").GetDouble():0} ms; crashing: {crashing.GetProperty("done")} cases, " +
            $"{crashing.GetProperty("counts").GetProperty("crash")} crashes (one every {crashing.GetProperty("done").GetInt32() / Math.Max(1, crashing.GetProperty("counts").GetProperty("crash").GetInt32())} cases) in {crashing.GetProperty("elapsedMs").GetDouble():0} ms, " +
            $"{crashing.GetProperty("kernelStarts")} kernels started in {crashing.GetProperty("kernelStartMs").GetDouble():0} ms; " +
            $"c_order: {shrinks.Count} findings, shrink {shrinks[0]:0}-{shrinks[^1]:0} ms");
        return 0;
    }

    private static double Rate(JsonElement report) => report.GetProperty("done").GetInt32() / (report.GetProperty("elapsedMs").GetDouble() / 1000.0);

    private static async Task<JsonElement> CheckAsync(HttpClient http, string session, string target)
    {
        var started = await http.PostAsJsonAsync($"/api/sessions/{session}/checks", new { target, cases = "standard", seed = 1 });
        started.EnsureSuccessStatusCode();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var report = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}/checks/{id}");
            if (report.GetProperty("state").GetString() != "running")
                return report.GetProperty("state").GetString() == "done" ? report : throw new InvalidOperationException(report.ToString());
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException(report.ToString());
            await Task.Delay(200);
        }
    }
}
