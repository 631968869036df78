using Bufferscope.Core.Checks;

namespace Bufferscope.Core.Tests.Checks;

/// <summary>
/// checks.py, in this process's interpreter: consumers written for the purpose, each with one
/// known defect, are judged over the quick matrix; the correct ones give no finding.
/// </summary>
public sealed class CaseRunnerTests(CoreFixture fixture)
{
    private const string Consumers = """
        import ctypes, struct
        import numpy as np

        def total(b):
            return np.asarray(b).sum()

        def c_order(b):
            # Reads nbytes from the first item's address: right only for C-contiguous memory.
            a = np.asarray(b)
            raw = ctypes.string_at(a.ctypes.data, a.nbytes)
            return np.frombuffer(raw, a.dtype).reshape(a.shape).tolist()

        def past_end(b):
            m = memoryview(b)
            a = np.asarray(b)
            if m.readonly or a.size == 0:
                return None
            ctypes.memset(a.ctypes.data + m.nbytes, 0, 4) if m.c_contiguous else None
            return None

        def into_readonly(b):
            a = np.asarray(b)
            if a.size:
                ctypes.memset(a.ctypes.data, 0x11, 1)
            return None

        kept = []
        def keeps(b):
            kept.append(memoryview(b))
            return len(kept[-1])

        def double(b):
            a = np.asarray(b)
            if not a.flags.writeable:
                raise ValueError("read-only")
            a *= 2
        """;

    private async Task<List<CaseResult>> RunAsync(string target, string formats = "d")
    {
        var session = await fixture.NewSessionAsync();
        await fixture.RunOkAsync(session, Consumers);
        await fixture.Core.Checks.PrepareAsync(session, target, null);
        var layouts = CaseSet.Matrix(formats, CaseSet.Standard).ToList();
        var cases = layouts.Select((l, i) => new CheckCase(i, l)).ToList();
        var results = new List<CaseResult>();
        while (results.Count < cases.Count)
            results.AddRange(await fixture.Core.Checks.RunAsync(cases[results.Count..], null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));
        return results;
    }

    private static string Kinds(IEnumerable<CaseResult> results) =>
        string.Join(", ", results.GroupBy(r => r.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));

    [Theory]
    [InlineData("total", "passed 60")]
    [InlineData("c_order", "passed 32, wrong 28")]
    [InlineData("past_end", "oob-write 12, passed 48")]
    [InlineData("into_readonly", "passed 34, readonly-write 26")]
    [InlineData("keeps", "leaked-export 60")]
    [InlineData("double", "passed 30, refused 30")]
    public async Task Judges(string target, string expected)
    {
        var results = await RunAsync(target);
        foreach (var r in results.Where(r => r.Kind != "passed").Take(5))
            TestContext.Current.TestOutputHelper?.WriteLine($"{r.Index} {r.Kind}: {r.Detail} | got {r.Got} | expected {r.Expected}");
        Assert.Equal(expected, Kinds(results));
    }
}
