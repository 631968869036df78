namespace Bufferscope.Core.Tests.Buffers;

/// <summary>Freeing: refused while exported, with the count, and leaving the memory budget exactly as it was.</summary>
[Collection(ExclusiveCollection.Name)]
public sealed class FreeTests(CoreFixture fixture)
{
    [Fact]
    public async Task Free_WhileExported_IsRefusedWithCountAndChangesNothing()
    {
        var s = await fixture.NewSessionAsync();
        var used = fixture.Core.Budget.UsedBytes;
        var r = await fixture.RunOkAsync(s, """
            b = bufferscope.MemBuf(shape=(16,), format='B', fill='ramp')
            m1, m2 = memoryview(b), memoryview(b)
            try:
                b.free()
            except BufferError as e:
                print('refused:', e)
            print(b.exports, m1[15], b.freed)
            m1.release(); m2.release()
            b.free()
            print(b.freed, b)
            try:
                memoryview(b)
            except BufferError as e:
                print('after free:', e)
            """);
        Assert.Equal(
            "refused: cannot free MemBuf 'buffer" , r.Stdout[..35]);
        Assert.Contains("2 exports are still live", r.Stdout);
        Assert.Contains("2 15 False\nTrue <bufferscope.MemBuf", r.Stdout);
        Assert.Contains("after free: MemBuf 'buffer", r.Stdout);
        Assert.Equal(used, fixture.Core.Budget.UsedBytes);
    }
}
