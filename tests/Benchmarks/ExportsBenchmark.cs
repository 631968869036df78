using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

// InvariantGlobalization is on (Directory.Build.props): numbers print with a dot whatever the locale.
using Bufferscope.Dashboard.Tests;

namespace Bufferscope.Benchmarks;

/// <summary>
/// memoryview(x).release() inside a kernel, as a session's snippets run it: the real server on
/// 127.0.0.1 (the tests' TestServer), sessions made and snippets run over its HTTP API. 2M
/// iterations a measure, best of 7, variants interleaved so a noisy moment hits them all alike.
/// MemBuf with the full ledger (origin line included) against bytearray, in a kernel that runs
/// nothing else.
///
/// Each part of an export after the bare slot is then switched on in turn, also inside a kernel:
/// a second session's snippet imports clr (pythonnet, attached to that kernel's own runtime) and
/// sets the kernel's ExportParts switches by reflection. That kernel measures its own bytearray
/// and full MemBuf too, so every part's difference is taken within one interpreter, and the
/// headline figure comes from a kernel without pythonnet.
/// </summary>
internal static class ExportsBenchmark
{
    private const int Iterations = 2_000_000;
    private const int Rounds = 7;

    private const string Setup = """
        import timeit, numpy
        from _testbuffer import ndarray
        ba = bytearray(64)
        mb = bufferscope.MemBuf(shape=(64,), format='B')
        mb2 = bufferscope.MemBuf(shape=(8, 8), format='B')
        nd2 = ndarray(list(range(64)), shape=[8, 8], format='B')
        na = numpy.zeros(64, dtype=numpy.uint8)
        def best(x):
            return min(timeit.repeat('mv(x).release()', globals={'mv': memoryview, 'x': x}, number=200_000, repeat=3)) / 200_000 * 1e9
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

    /// <summary>A measure: <paramref name="Target"/>'s cost in the plain kernel, or with these switches in the kernel that has them.</summary>
    private sealed record Variant(string Name, string Target, bool Switched = false, bool Ledger = true, bool Origin = true, bool Feed = true);

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

        Variant[] variants =
        [
            new("bytearray", "ba"),
            new("MemBuf", "mb"),
            new("MemBuf 2-D", "mb2"),
            new("_testbuffer 2-D", "nd2"),
            new("numpy", "na"),
            new("switched bytearray", "ba", Switched: true),
            new("switched MemBuf", "mb", Switched: true),
            new("bare slot", "mb", Switched: true, Ledger: false, Origin: false, Feed: false),
            new("+ ledger", "mb", Switched: true, Origin: false, Feed: false),
            new("+ origin", "mb", Switched: true, Feed: false),
        ];
        var best = variants.ToDictionary(v => v.Name, _ => double.MaxValue);
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var v in variants)
            {
                var code = v.Switched
                    ? $"parts({Py(v.Ledger)}, {Py(v.Origin)}, {Py(v.Feed)}); ns = min(best({v.Target}) for _ in range({Iterations / 600_000})); parts(True, True, True); ns"
                    : $"min(best({v.Target}) for _ in range({Iterations / 600_000}))";
                var ns = double.Parse(await Run(http, v.Switched ? switched : plain, code), CultureInfo.InvariantCulture);
                best[v.Name] = Math.Min(best[v.Name], ns);
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
            $"({Iterations / 1_000_000}M iterations a measure, best of {Rounds} interleaved rounds)");
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
