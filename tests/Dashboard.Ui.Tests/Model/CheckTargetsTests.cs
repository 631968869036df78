using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

public sealed class CheckTargetsTests
{
    private static HistoryDto Run(long n, string code, bool ok = true) => new(n, code, ok, null, DateTimeOffset.Now);

    [Fact]
    public void FromHistory_TopLevelDefsAndLambdas_NewestFirst_OnceEach_NotNestedOrFailed()
    {
        var targets = CheckTargets.FromHistory(
        [
            Run(1, "import numpy as np\ndef total(b):\n    def inner(x):\n        return x\n    return np.asarray(b).sum()"),
            Run(2, "first = lambda b: bytes(b)[0]\nasync def later(b): pass"),
            Run(3, "def broken(b):\n    return b[", ok: false),
            Run(4, "def total(b):\n    return sum(memoryview(b).cast('B'))"),
        ]);
        Assert.Equal(["total", "later", "first"], targets);
    }

    [Fact]
    public void FromHistory_ManyCallables_OffersTheNewest() =>
        Assert.Equal(CheckTargets.Max, CheckTargets.FromHistory([.. Enumerable.Range(1, 20).Select(i => Run(i, $"def f{i}(b): pass"))]).Count);
}
