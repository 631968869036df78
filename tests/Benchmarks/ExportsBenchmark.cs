using System.Globalization;

// InvariantGlobalization is on (Directory.Build.props): numbers print with a dot whatever the locale.
using Bufferscope.Core;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Benchmarks;

/// <summary>
/// memoryview(x).release() in the embedded interpreter, 2M iterations, best of 7, one process,
/// variants interleaved so a noisy moment hits them all alike. MemBuf with the full ledger (origin
/// line included) against bytearray, then each part of an export switched on in turn.
/// </summary>
internal static class ExportsBenchmark
{
    private const int Iterations = 2_000_000;
    private const int Rounds = 7;

    private sealed record Variant(string Name, string Target, bool Ledger = true, bool Origin = true, bool Feed = true);

    public static async Task<int> RunAsync()
    {
        var core = BufferscopeCore.Start(new BufferscopeOptions());
        var session = (await core.Sessions.CreateAsync("bench")).Id;
        await Run(core, session, """
            import timeit, numpy
            from _testbuffer import ndarray
            ba = bytearray(64)
            mb = bufferscope.MemBuf(shape=(64,), format='B')
            mb2 = bufferscope.MemBuf(shape=(8, 8), format='B')
            nd2 = ndarray(list(range(64)), shape=[8, 8], format='B')
            na = numpy.zeros(64, dtype=numpy.uint8)
            def best(x):
                return min(timeit.repeat('mv(x).release()', globals={'mv': memoryview, 'x': x}, number=200_000, repeat=3)) / 200_000 * 1e9
            """);

        Variant[] variants =
        [
            new("bytearray", "ba"),
            new("MemBuf", "mb"),
            new("bare slot", "mb", Ledger: false, Origin: false, Feed: false),
            new("+ ledger", "mb", Origin: false, Feed: false),
            new("+ origin", "mb", Feed: false),
            new("MemBuf 2-D", "mb2"),
            new("_testbuffer 2-D", "nd2"),
            new("numpy", "na"),
        ];
        var best = variants.ToDictionary(v => v.Name, _ => double.MaxValue);
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var v in variants)
            {
                (ExportParts.Ledger, ExportParts.Origin, ExportParts.Feed) = (v.Ledger, v.Origin, v.Feed);
                var ns = double.Parse(await Run(core, session, $"min(best({v.Target}) for _ in range({Iterations / 600_000}))"), CultureInfo.InvariantCulture);
                best[v.Name] = Math.Min(best[v.Name], ns);
            }
        }
        (ExportParts.Ledger, ExportParts.Origin, ExportParts.Feed) = (true, true, true);

        var ours = best["MemBuf"];
        var bytearray = best["bytearray"];
        Console.WriteLine(($"exports: ours {ours:F1} ns, bytearray {bytearray:F1} ns, ratio {ours / bytearray:F2}"));
        Console.WriteLine((
            $"parts: bare slot {best["bare slot"]:F1} ns (+{best["bare slot"] - bytearray:F1} over bytearray), " +
            $"ledger +{best["+ ledger"] - best["bare slot"]:F1} ns, origin +{best["+ origin"] - best["+ ledger"]:F1} ns, " +
            $"live feed +{ours - best["+ origin"]:F1} ns"));
        Console.WriteLine((
            $"others: MemBuf 2-D {best["MemBuf 2-D"]:F1} ns, _testbuffer 2-D {best["_testbuffer 2-D"]:F1} ns, numpy {best["numpy"]:F1} ns " +
            $"({Iterations / 1_000_000}M iterations a measure, best of {Rounds} interleaved rounds)"));
        return 0;
    }

    private static async Task<string> Run(BufferscopeCore core, string session, string code)
    {
        var r = await core.Sessions.RunAsync(session, code, TimeSpan.FromMinutes(2));
        if (!r.Ok)
            throw new InvalidOperationException(r.Error!.Traceback);
        return r.Result ?? "";
    }
}
