using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

// InvariantGlobalization is on (Directory.Build.props): numbers print with a dot whatever the locale.
using Bufferscope.Dashboard.Tests;

namespace Bufferscope.Benchmarks;

/// <summary>
/// memoryview(x).release() inside a kernel, as a session's snippets run it: the real server on
/// 127.0.0.1 (the tests' TestServer), sessions made and snippets run over its HTTP API. MemBuf
/// with the full ledger (origin line included) against bytearray, in a kernel that runs nothing
/// else.
///
/// The variants are raced: each round times every variant for a short chunk in turn, and each
/// keeps its best chunk. These VMs have spells of seconds in which all code, Python's own too, runs
/// 1.5-2 times slower (bytearray 120 ns, then 230 ns, in one process, nothing else running). A
/// measure of a second or more per variant can fall wholly inside one spell; chunks of a few
/// milliseconds, interleaved, each meet the quiet moments.
///
/// Each part of an export after the bare slot is then switched on in turn, also inside a kernel:
/// a second session's snippet imports clr (pythonnet, attached to that kernel's own runtime) and
/// sets the kernel's ExportParts switches by reflection between chunks. That kernel measures its
/// own bytearray and full MemBuf too, so every part's difference is taken within one interpreter,
/// and the headline figure comes from a kernel without pythonnet.
/// </summary>
internal static class ExportsBenchmark
{
    private const int Chunk = 50_000;       // iterations a chunk: about 7 ms
    private const int ChunksPerRun = 60;    // chunks of each variant per snippet
    private const int Runs = 8;             // snippets per kernel: 480 chunks of each variant, 24M iterations

    private const string Setup = """
        import timeit, json, numpy
        from _testbuffer import ndarray
        ba = bytearray(64)
        mb = bufferscope.MemBuf(shape=(64,), format='B')
        mb2 = bufferscope.MemBuf(shape=(8, 8), format='B')
        nd2 = ndarray(list(range(64)), shape=[8, 8], format='B')
        na = numpy.zeros(64, dtype=numpy.uint8)
        def parts(ledger, origin, feed):
            pass
        def race(variants, chunks, number):
            # variants: (name, exporter, switches or None); each one's best chunk, in ns an iteration
            timers = [(name, timeit.Timer('mv(x).release()', globals={'mv': memoryview, 'x': x}), switches) for name, x, switches in variants]
            best = {}
            for _ in range(chunks):
                for name, timer, switches in timers:
                    if switches:
                        parts(*switches)
                    ns = timer.timeit(number) / number * 1e9
                    if switches:
                        parts(True, True, True)
                    best[name] = min(best.get(name, ns), ns)
            return json.dumps(best)
        """;

    // The kernel's own switches (Bufferscope.Core.Buffers.ExportParts, internal static fields), through pythonnet.
    private const string Switches = """
        import clr
        from System import Type
        _parts = Type.GetType('Bufferscope.Core.Buffers.ExportParts, Bufferscope.Core', True)
        def parts(ledger, origin, feed):
            for name, on in (('Ledger', ledger), ('Origin', origin), ('Feed', feed)):
                _parts.GetField(name).SetValue(None, on)
            return tuple(bool(_parts.GetField(n).GetValue(None)) for n in ('Ledger', 'Origin', 'Feed'))
        """;

    // Raced in the plain kernel: the headline pair, and the others for scale.
    private const string Plain = "[('bytearray', ba, None), ('MemBuf', mb, None), ('MemBuf 2-D', mb2, None), ('_testbuffer 2-D', nd2, None), ('numpy', na, None)]";

    // Raced in the switched kernel: each part added in turn, against that kernel's own bytearray and full MemBuf.
    private const string Switched =
        "[('switched bytearray', ba, None), ('switched MemBuf', mb, None), ('bare slot', mb, (False, False, False)), " +
        "('+ ledger', mb, (True, False, False)), ('+ origin', mb, (True, True, False))]";

    public static async Task<int> RunAsync()
    {
        await using var server = await TestServer.StartAsync("--Bufferscope:Limits:RunsPerMinute=100000");
        using var http = server.Client();
        http.Timeout = TimeSpan.FromMinutes(2);
        var plain = await NewSession(http, "bench");
        var switched = await NewSession(http, "bench-parts");
        await Run(http, plain, Setup);
        await Run(http, switched, Setup + "\n" + Switches);
        // The switches reach the code that exports: off, a MemBuf export no longer counts.
        if (await Run(http, switched, "parts(False, False, False); v = memoryview(mb); n = mb.exports; v.release(); parts(True, True, True); n") != "0")
            throw new InvalidOperationException("the kernel's ExportParts switches did not take: the part rows would measure nothing");

        var best = new Dictionary<string, double>();
        for (var run = 0; run < Runs; run++)
        {
            foreach (var (sid, variants) in new[] { (plain, Plain), (switched, Switched) })
            {
                var json = await Run(http, sid, $"race({variants}, {ChunksPerRun}, {Chunk})");
                // The result is the repr of a str holding JSON: '{"bytearray": 118.2, ...}'.
                foreach (var (name, ns) in JsonSerializer.Deserialize<Dictionary<string, double>>(json[1..^1])!)
                    best[name] = Math.Min(best.GetValueOrDefault(name, double.MaxValue), ns);
            }
        }

        var ours = best["MemBuf"];
        var bytearray = best["bytearray"];
        var (full, baseline) = (best["switched MemBuf"], best["switched bytearray"]);
        Console.WriteLine($"exports: ours {ours:F1} ns, bytearray {bytearray:F1} ns, ratio {ours / bytearray:F2} (inside a kernel)");
        Console.WriteLine(
            $"parts: bare slot {best["bare slot"]:F1} ns ({best["bare slot"] - baseline:+0.0;-0.0} over bytearray), " +
            $"ledger {best["+ ledger"] - best["bare slot"]:+0.0;-0.0} ns, origin {best["+ origin"] - best["+ ledger"]:+0.0;-0.0} ns, " +
            $"live feed {full - best["+ origin"]:+0.0;-0.0} ns (inside a second kernel, switched there through import clr; its MemBuf {full:F1} ns, bytearray {baseline:F1} ns)");
        Console.WriteLine(
            $"others: MemBuf 2-D {best["MemBuf 2-D"]:F1} ns, _testbuffer 2-D {best["_testbuffer 2-D"]:F1} ns, numpy {best["numpy"]:F1} ns " +
            $"(best of {Runs * ChunksPerRun} interleaved chunks of {Chunk / 1000}k iterations each)");
        return 0;
    }

    private static string Py(bool value) => value ? "True" : "False";

    private static async Task<string> NewSession(HttpClient http, string name)
    {
        var response = await http.PostAsJsonAsync("/api/sessions", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string> Run(HttpClient http, string sid, string code)
    {
        var run = await (await http.PostAsJsonAsync($"/api/sessions/{sid}/run", new { code })).Content.ReadFromJsonAsync<JsonElement>();
        if (!run.GetProperty("ok").GetBoolean())
            throw new InvalidOperationException(run.ToString());
        return run.GetProperty("result").GetString() ?? "";
    }
}
