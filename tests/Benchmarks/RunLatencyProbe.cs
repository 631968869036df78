using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bufferscope.Dashboard.Tests;

namespace Bufferscope.Benchmarks;

/// <summary>
/// Where a console run's time goes: the same 1+1 sent as HttpClient sends JSON (chunked), with a
/// Content-Length body (as curl, requests and browsers send it), and called in the server
/// without HTTP; a bodiless POST (interrupt, one RPC too) and a GET for the floor. One line of
/// p50s, 300 warm-up and 300 measured calls each.
/// </summary>
internal static class RunLatencyProbe
{
    public static async Task<int> RunAsync()
    {
        await using var server = await TestServer.StartAsync("--Bufferscope:Limits:RunsPerMinute=1000000", "--Bufferscope:Kernels:Warm=0");
        using var http = server.Client();
        var session = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "probe" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var run = $"/api/sessions/{session}/run";
        async Task<double> P50(Func<Task> call)
        {
            for (var i = 0; i < 300; i++)
                await call();
            var times = new List<double>();
            for (var i = 0; i < 300; i++)
            {
                var clock = Stopwatch.StartNew();
                await call();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        var json = await P50(async () => (await http.PostAsJsonAsync(run, new { code = "1 + 1" })).EnsureSuccessStatusCode());
        var sized = await P50(async () => (await http.PostAsync(run, new StringContent("""{"code":"1 + 1"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode());
        var bare = await P50(async () => (await http.PostAsync($"/api/sessions/{session}/interrupt", null)).EnsureSuccessStatusCode());
        var get = await P50(async () => (await http.GetAsync($"/api/sessions/{session}")).EnsureSuccessStatusCode());
        var sessions = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Bufferscope.Core.Kernels.KernelSessions>(server.App.Services);
        var direct = await P50(async () => await sessions.RunAsync(session, "1 + 1"));
        Console.WriteLine($"run-latency: run 1+1 p50 {json:F2} ms (PostAsJsonAsync), {sized:F2} ms (Content-Length body), {direct:F2} ms (KernelSessions.RunAsync in the server); " +
            $"POST interrupt p50 {bare:F2} ms; GET session p50 {get:F2} ms");
        return 0;
    }
}
