using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

public sealed class CheckFindingBufferTests
{
    [Theory]
    [InlineData("wrong", 1, "finding_wrong_1")]
    [InlineData("oob-write", 2, "finding_oob_write_2")]
    [InlineData("leaked-export", 10, "finding_leaked_export_10")]
    public void Name_AnyKind_IsAPythonIdentifier(string kind, int n, string name) => Assert.Equal(name, CheckFindingBuffer.Name(kind, n, []));

    [Fact]
    public void Name_Taken_IsTheFirstFreeSuffix() =>
        Assert.Equal("finding_wrong_1_3", CheckFindingBuffer.Name("wrong", 1, ["finding_wrong_1", "finding_wrong_1_2", "frame"]));
}
