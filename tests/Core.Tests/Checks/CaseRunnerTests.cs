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

    /// <summary>With no numpy (every interpreter test.sh runs): memoryview's own consumers.</summary>
    [Fact]
    public async Task Memoryview_consumers_are_judged_on_every_interpreter()
    {
        var session = await fixture.NewSessionAsync();
        await fixture.RunOkAsync(session, """
            def listed(b):
                return memoryview(b).tolist()

            import ctypes
            def flat(b):
                # The raw bytes from the first item on: C order assumed, gaps read as items.
                return ctypes.string_at(b.address + b.offset, memoryview(b).nbytes)

            held = []
            def holds(b):
                held.append(memoryview(b))
            """);
        async Task<string> KindsOf(string target)
        {
            await fixture.Core.Checks.PrepareAsync(session, target, null);
            var cases = CaseSet.Matrix("i", CaseSet.Standard).Select((l, i) => new CheckCase(i, l)).ToList();
            var results = new List<CaseResult>();
            while (results.Count < cases.Count)
                results.AddRange(await fixture.Core.Checks.RunAsync(cases[results.Count..], null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));
            return Kinds(results);
        }
        Assert.Equal("passed 60", await KindsOf("listed"));
        Assert.Matches("^passed \\d+, wrong \\d+$", await KindsOf("flat"));
        Assert.Equal("leaked-export 60", await KindsOf("holds"));
    }

    [Fact]
    public async Task A_target_that_does_not_resolve_is_refused_naming_it()
    {
        var session = await fixture.NewSessionAsync();
        var error = await Assert.ThrowsAsync<Bufferscope.Core.Buffers.BufferSpecException>(() => fixture.Core.Checks.PrepareAsync(session, "nothing_here", null));
        Assert.Equal("target", error.ParamName);
        Assert.Equal("target 'nothing_here': NameError: name 'nothing_here' is not defined", error.Detail);
        error = await Assert.ThrowsAsync<Bufferscope.Core.Buffers.BufferSpecException>(() => fixture.Core.Checks.PrepareAsync(session, "len", "42"));
        Assert.Equal("reference", error.ParamName);
        Assert.Contains("is int, not a callable", error.Detail);
    }
}
