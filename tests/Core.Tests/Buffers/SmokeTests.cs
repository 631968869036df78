namespace Bufferscope.Core.Tests.Buffers;

public sealed class SmokeTests(CoreFixture fixture)
{
    [Fact]
    public async Task MemBuf_Memoryview_CountsOneExport()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, "b = bufferscope.MemBuf(shape=(4,), format='B')\nmv = memoryview(b)\nprint(b.exports, mv.shape, mv.format)\nmv.release()\nb.exports");
        Assert.Equal("1 (4,) B\n", r.Stdout);
        Assert.Equal("0", r.Result);
    }
}
