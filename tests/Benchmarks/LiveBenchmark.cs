using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Bufferscope.Dashboard;
using Bufferscope.Dashboard.Tests;
using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bufferscope.Benchmarks;

/// <summary>
/// The live path end to end, on the real server on 127.0.0.1 with HubConnection clients, at the
/// default frame rate (30/s): latency of a Python write reaching a client, frames per second to 50
/// clients of one continuously changing buffer, and CPU while 10 clients watch a quiescent 1 GiB buffer.
/// </summary>
internal static class LiveBenchmark
{
    // Every client is the token's holder, as a benchmark's clients are: let 50 of them connect.
    private static readonly string Token = TestServer.NewToken();
    private static readonly string[] Settings = ["--Logging:LogLevel:Default=Warning", $"--Bufferscope:AccessToken={Token}", "--Bufferscope:Limits:MaxConnectionsPerClient=64"];

    public static async Task<int> RunAsync()
    {
        await using var server = await TestServer.StartAsync([.. Settings, "--Bufferscope:Kernels:Warm=1"]);
        var address = server.BaseAddress;
        using var http = Client(address);
        var only = Environment.GetEnvironmentVariable("LIVE_ONLY");
        if (only is null or "latency") await Latency(http, address);
        if (only is null or "fanout") await Fanout(http, address);
        if (only is null or "idle") await Idle();
        return 0;
    }

    private static HttpClient Client(Uri address)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return http;
    }

    /// <summary>Python writes time.monotonic_ns() into the buffer at random moments; the client reads it on arrival (same clock).</summary>
    private static async Task Latency(HttpClient http, Uri address)
    {
        var (sid, bid) = await NewBuffer(http, "latency", "<q", 8);
        await using var hub = await Connect(address);
        var samples = new List<double>();
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            await foreach (var frame in hub.StreamAsync<WatchFrame>("WatchMemory", bid, 0L, 8, stop.Token))
            {
                var now = Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency);
                var written = BitConverter.ToInt64(frame.Data.Span);
                if (written != 0)
                    lock (samples) samples.Add((now - written) / 1e6);
            }
        });
        await Task.Delay(300);
        await Run(http, sid, """
            import numpy as np, time, random
            a = np.asarray(latency)
            for _ in range(100):
                time.sleep(random.uniform(0.04, 0.09))  # slower than the frame rate: every write its own frame
                a[0] = time.monotonic_ns()
            """);
        await Task.Delay(300);
        await stop.CancelAsync();
        try { await reading; } catch (OperationCanceledException) { }
        samples.Sort();
        Console.WriteLine($"latency: p50 {Percentile(samples, 0.50):F1} ms, p99 {Percentile(samples, 0.99):F1} ms ({samples.Count} writes)");
    }

    /// <summary>One buffer changed every millisecond by a Python thread, watched by 50 clients for 5 s.</summary>
    private static async Task Fanout(HttpClient http, Uri address)
    {
        const int Clients = 50;
        var (sid, bid) = await NewBuffer(http, "fanout", "B", 4096);
        // MessagePack: frames carry their bytes as binary, not base64 text.
        var hubs = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Connect(address, messagePack: true)));
        var counts = new int[Clients];
        using var stop = new CancellationTokenSource();
        var readers = hubs.Select((hub, i) => Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in hub.StreamAsync<WatchFrame>("WatchMemory", bid, 0L, 4096, stop.Token))
                    Interlocked.Increment(ref counts[i]);
            }
            catch (OperationCanceledException) { }
        })).ToList();
        await Task.Delay(500);
        await Run(http, sid, """
            import numpy as np, threading, time
            a = np.asarray(fanout)
            stop = threading.Event()
            def churn():
                while not stop.is_set():
                    a[:] += 1
                    time.sleep(0.001)
            worker = threading.Thread(target=churn, daemon=True); worker.start()
            """);
        await Task.Delay(1000); // settle
        var start = counts.ToArray();
        var clock = Stopwatch.StartNew();
        await Task.Delay(5000);
        var end = counts.ToArray();
        var seconds = clock.Elapsed.TotalSeconds;
        await Run(http, sid, "stop.set(); worker.join()");
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        foreach (var hub in hubs) await hub.DisposeAsync();
        var rates = end.Zip(start, (e, s) => (e - s) / seconds).ToList();
        Console.WriteLine($"fanout: {rates.Average():F1} frames/s to {Clients} clients (MessagePack; slowest client {rates.Min():F1}/s, fastest {rates.Max():F1}/s; the frame rate is 30/s)");
    }

    /// <summary>
    /// A quiescent 1 GiB buffer, 10 clients each watching 64 KiB of it: the CPU of the server and
    /// of every kernel it started, summed. The server runs as its own process (in one process the
    /// clients' connections would count); its kernels are its children (setsid execs dotnet, so
    /// each kernel is a direct child that leads its own session): the session's kernel, whose pid
    /// the session's DTO names, and the warm pool's. They are found in /proc as the server's
    /// descendants and whatever else is in a kernel's session, and measured over the same 10 s
    /// window (utime + stime from /proc/PID/stat, 10 ms ticks), twice. The figure is the second
    /// window, once the JIT has settled; the first window, 6 s after the clients connected, is
    /// printed beside it. Between the two the tiered JIT recompiles in the
    /// background what set-up ran and, in bursts up to about 100 s in, the keep-alive path, which runs
    /// every 15 s per client and so reaches the 30 calls that promote a method (twice, with dynamic
    /// PGO) only then: a one-off cost of start-up, not of idling. Seen per thread in
    /// /proc/PID/task/*/stat over 300 s: after 100 s the ".NET Tiered Compilation" thread is done and
    /// the server costs 0.1-0.7 % per 10 s, Kestrel's and SignalR's once-a-second timers. To take it apart: IDLE_WATCH=0 connects without watching, IDLE_CLIENTS=N,
    /// IDLE_BYTES=N, IDLE_SETTLE_MS=N (wait before the first window), IDLE_STEADY_MS=N (wait before
    /// the second), IDLE_WINDOW_MS=N (each window's length).
    /// </summary>
    private static async Task Idle()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        var data = Directory.CreateTempSubdirectory("bufferscope-bench-").FullName;
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Bufferscope.Dashboard.dll"), "--urls", $"http://127.0.0.1:{port}", $"--Bufferscope:DataDirectory={data}" }.Concat(Settings))
            start.ArgumentList.Add(a);
        using var server = Process.Start(start)!;
        // Its output is not read: drain it, so a full pipe never blocks the server.
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var http = Client(address);
        for (var i = 0; ; i++)
        {
            try { if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) break; }
            catch (HttpRequestException) when (i < 300) { }
            await Task.Delay(100);
        }
        try
        {
            var bytes = long.Parse(Environment.GetEnvironmentVariable("IDLE_BYTES") ?? "1073741824", System.Globalization.CultureInfo.InvariantCulture);
            var clients = Knob("IDLE_CLIENTS", 10);
            var (sid, bid) = await NewBuffer(http, "idle", "B", bytes);
            var session = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sid}");
            var sessionKernel = session.GetProperty("kernel").GetProperty("pid").GetInt32();
            var hubs = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Connect(address)));
            using var stop = new CancellationTokenSource();
            var frames = 0;
            // IDLE_WATCH=0 connects the clients without watching: what the connections alone cost.
            var watching = Environment.GetEnvironmentVariable("IDLE_WATCH") != "0";
            var readers = hubs.Where(_ => watching).Select((hub, i) => Task.Run(async () =>
            {
                try
                {
                    await foreach (var _ in hub.StreamAsync<WatchFrame>("WatchMemory", bid, i * (64L << 20), 65536, stop.Token))
                        Interlocked.Increment(ref frames);
                }
                catch (OperationCanceledException) { }
            })).ToList();
            // First frames sent and connections made before the first window.
            var (settle, steady, window) = (Knob("IDLE_SETTLE_MS", 6_000), Knob("IDLE_STEADY_MS", 104_000), Knob("IDLE_WINDOW_MS", 10_000));
            await Task.Delay(settle);
            var first = await CpuPercent(server.Id, sessionKernel, TimeSpan.FromMilliseconds(window));
            await Task.Delay(steady);
            var last = await CpuPercent(server.Id, sessionKernel, TimeSpan.FromMilliseconds(window));
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            foreach (var hub in hubs) await hub.DisposeAsync();
            if (!last.Parts.Any(p => p.Name.StartsWith("session kernel", StringComparison.Ordinal)))
                throw new InvalidOperationException($"the session's kernel (pid {sessionKernel}) is not among the server's processes: {last}");
            Console.WriteLine($"idle: {last.Sum:F2} % of one core summed over the server and its {last.Parts.Count - 1} kernels ({last}; " +
                $"{Size(bytes)} buffer, {clients} clients {(watching ? "watching 64 KiB each" : "connected, not watching")} for {window / 1000.0:0.#} s, " +
                $"from {(settle + window + steady) / 1000.0:0.#} s after they connected; {frames} frames, one per client at start; " +
                $"{settle / 1000.0:0.#} s after they connected, while the JIT still tiered up, {first.Sum:F2} % ({first}))");
        }
        finally
        {
            // SIGTERM, as Ctrl+C: the server ends its kernels and empties its tmpfs folder. A kill
            // would leave that folder (the memory of a server that crashed, kept for its next start).
            Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                try { await server.WaitForExitAsync(grace.Token); }
                catch (OperationCanceledException) { server.Kill(entireProcessTree: true); await server.WaitForExitAsync(); }
            }
            Directory.Delete(data, recursive: true);
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        _ => $"{bytes} B",
    };

    private sealed record Cpu(double Sum, IReadOnlyList<(string Name, double Percent)> Parts)
    {
        public override string ToString() => string.Join(", ", Parts.Select(p => $"{p.Name} {p.Percent:F2} %"));
    }

    /// <summary>
    /// The CPU over <paramref name="window"/> of the server and every process it started, in percent
    /// of one core each and summed. A process that starts or ends within the window counts from
    /// the first or to the last reading it was seen in.
    /// </summary>
    private static async Task<Cpu> CpuPercent(int serverPid, int sessionKernel, TimeSpan window)
    {
        var before = Family(serverPid);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var after = Family(serverPid);
        var seconds = clock.Elapsed.TotalSeconds;
        var parts = after.Keys.Union(before.Keys).Order().Select(pid =>
        {
            var used = after.GetValueOrDefault(pid, before[pid]).Cpu - before.GetValueOrDefault(pid, (after[pid].Name, 0)).Cpu;
            var name = pid == serverPid ? "server" : pid == sessionKernel ? $"session kernel {pid}"
                : after.GetValueOrDefault(pid, before[pid]).Name == "dotnet" ? $"warm kernel {pid}" : $"{after.GetValueOrDefault(pid, before[pid]).Name} {pid}";
            return (name, used / seconds * 100);
        }).OrderBy(p => p.name == "server" ? 0 : p.name.StartsWith("session", StringComparison.Ordinal) ? 1 : 2).ToList();
        return new Cpu(parts.Sum(p => p.Item2), parts);
    }

    /// <summary>
    /// The server and every process it started, by pid, with the command name and utime + stime in
    /// seconds: its descendants by ppid, and what is left in a kernel's session (a kernel leads
    /// one; what its code forked stays in it when reparented).
    /// </summary>
    private static Dictionary<int, (string Name, double Cpu)> Family(int serverPid)
    {
        var all = new Dictionary<int, (int Ppid, int Session, string Name, double Cpu)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture, out var pid))
                continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // ended meanwhile
            catch (UnauthorizedAccessException) { continue; }
            // pid (comm) state ppid pgrp session ... utime stime: comm may hold spaces and parentheses.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var f = stat[(close + 2)..].Split(' ');
            long Field(int i) => long.Parse(f[i], System.Globalization.CultureInfo.InvariantCulture);
            all[pid] = ((int)Field(1), (int)Field(3), stat[(open + 1)..close], (Field(11) + Field(12)) / (double)ClockTicks);
        }
        var family = new HashSet<int> { serverPid };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, p) in all)
                if (!family.Contains(pid) && (family.Contains(p.Ppid) || (p.Session != serverPid && family.Contains(p.Session))))
                    grew |= family.Add(pid);
        }
        return family.Where(all.ContainsKey).ToDictionary(pid => pid, pid => (all[pid].Name, all[pid].Cpu));
    }

    /// <summary>USER_HZ: what /proc/PID/stat counts utime and stime in (100 on every Linux .NET runs on).</summary>
    private const int ClockTicks = 100;

    private static int Knob(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static async Task<HubConnection> Connect(Uri address, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(address, "/hubs/buffers"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(Token));
        if (messagePack)
            builder.AddMessagePackProtocol();
        var hub = builder.Build();
        await hub.StartAsync();
        return hub;
    }

    private static async Task<(string Session, long Buffer)> NewBuffer(HttpClient http, string name, string format, long items)
    {
        var session = await (await http.PostAsJsonAsync("/api/sessions", new { name })).Content.ReadFromJsonAsync<JsonElement>();
        var sid = session.GetProperty("id").GetString()!;
        var response = await http.PostAsJsonAsync($"/api/sessions/{sid}/buffers", new { name, format, shape = new[] { items } });
        var buffer = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException(buffer.ToString());
        return (sid, buffer.GetProperty("id").GetInt64());
    }

    private static async Task Run(HttpClient http, string sid, string code)
    {
        var run = await (await http.PostAsJsonAsync($"/api/sessions/{sid}/run", new { code })).Content.ReadFromJsonAsync<JsonElement>();
        if (!run.GetProperty("ok").GetBoolean())
            throw new InvalidOperationException(run.ToString());
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
