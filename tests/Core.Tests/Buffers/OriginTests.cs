using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Tests.Buffers;

/// <summary>
/// The ledger names the Python file and line that asked for each export, read straight from the
/// frame on known versions and through PyEval_GetFrame otherwise: both must agree with f_lineno.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class OriginTests(CoreFixture fixture)
{
    private const string Snippet = """
        import sys, threading
        b = bufferscope.MemBuf(shape=(4,), format='B')
        keep, expected = [], []
        def here(): return sys._getframe(1).f_lineno
        def f():
            keep.append(memoryview(b)); expected.append(here())
        def gen():
            keep.append(memoryview(b)); expected.append(here()); yield
        class K:
            keep.append(memoryview(b)); expected.append(here())
        f()
        list(gen())
        [keep.append(memoryview(b)) or expected.append(here()) for _ in range(2)]
        t = threading.Thread(target=f); t.start(); t.join()
        keep.append(memoryview(b)); expected.append(here())
        got = [int(v['origin'].rsplit(', line ', 1)[1]) for v in b.views]
        files = {v['origin'].rsplit(', line ', 1)[0] for v in b.views}
        got == expected, len(got), files
        """;

    [Fact]
    public async Task Origin_FromFrame_MatchesLineInEveryKindOfFrame()
    {
        var s = await fixture.NewSessionAsync("origin");
        var r = await fixture.RunOkAsync(s, Snippet);
        Assert.Matches(@"^\(True, 7, \{'In \[\d+\]'\}\)$", r.Result);
    }

    [Fact]
    public async Task Origin_ThroughPublicApi_MatchesToo()
    {
        var s = await fixture.NewSessionAsync("origin");
        await fixture.Core.Python.RunAsync(() => ExportOrigins.Configure(new Version(0, 0))); // no frame layout known
        try
        {
            var r = await fixture.RunOkAsync(s, Snippet);
            Assert.Matches(@"^\(True, 7, \{'In \[\d+\]'\}\)$", r.Result);
        }
        finally
        {
            await fixture.Core.Python.RunAsync(() => ExportOrigins.Configure(fixture.Core.Python.Installation.Version));
        }
    }
}
