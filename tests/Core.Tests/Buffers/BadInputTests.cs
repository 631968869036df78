using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Tests.Buffers;

/// <summary>
/// Bad MemBuf arguments raise ValueError or TypeError naming the argument and what is allowed,
/// and leave nothing behind: no exporter, no reserved bytes.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class BadInputTests(CoreFixture fixture)
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "shape=(4,), format='ii'", "ValueError", "argument 'format': format 'ii' is not supported (one item only" },
        { "shape=(4,), format='x'", "ValueError", "'x' is padding" },
        { "shape=(4,), format='4s'", "ValueError", "argument 'format'" },
        { "shape=(4,), format='T{i:a:}'", "ValueError", "argument 'format'" },
        { "shape=(4,), format='<n'", "ValueError", "only in native mode" },
        { "shape=(4,), format='>P'", "ValueError", "only in native mode" },
        { "shape=(4,), format=''", "ValueError", "format is empty" },
        { "shape=(4,), format='<'", "ValueError", "needs a type code" },
        { "shape=(4,), format='Z'", "ValueError", "'Z' is not a struct type code" },
        { "shape=(4,), format=5", "TypeError", "argument 'format' must be str" },
        { "shape=(-1,)", "ValueError", "argument 'shape': shape[0] is -1" },
        { "shape=(1,) * 65", "ValueError", "at most 64 are allowed" },
        { "shape=(2**62, 2**62)", "ValueError", "more items than a 64-bit size can count" },
        { "shape=(2**61,), format='d'", "ValueError", "more bytes than a 64-bit size can count" },
        { "shape=(2**63,)", "ValueError", "out of range" },
        { "shape=(2**25,), format='d'", "ValueError", "one buffer may have at most 134217728 (Bufferscope:Limits:MaxBufferBytes)" },
        { "shape='abc'", "TypeError", "argument 'shape' must be an int or a sequence of ints" },
        { "shape=(1.5,)", "TypeError", "argument 'shape' must be a sequence of ints, not float" },
        { "shape=(2, 3), format='d', strides=(8,)", "ValueError", "strides has 1 entry but shape has 2 dimensions;" },
        { "shape=(3,), format='d', strides=(-8,)", "ValueError", "before the start of the allocation; raise offset to at least 16" },
        { "shape=(4,), strides=(2**62,)", "ValueError", "reach beyond a 64-bit address range" },
        { "shape=(4,), offset=-1", "ValueError", "argument 'offset': offset is -1" },
        { "shape=(4,), order='K'", "ValueError", "order 'K' is not allowed" },
        { "shape=(4,), fill='sparkle'", "ValueError", "argument 'fill': fill 'sparkle' is not allowed" },
        { "shape=(4,), source='gpu'", "ValueError", "argument 'source': source 'gpu' is not allowed" },
        { "shape=(4,), source='mmap'", "ValueError", "needs a file path" },
        { "shape=(4,), source='shm', name='../etc/passwd'", "ValueError", "shared memory name '../etc/passwd' is not allowed" },
        { "shape=(4,), source='managed', fill='ramp', data=b'1234'", "ValueError", "give either data or fill" },
        { "shape=(4,), format='i', data=b'123'", "ValueError", "argument 'data': the layout needs 16 bytes" },
        { "shape=(4,), data=5", "TypeError", "argument 'data' must be bytes-like" },
        { "shape=(4,), readonly='yes'", "TypeError", "argument 'readonly' must be bool" },
        { "shape=(4,), seed='x'", "TypeError", "argument 'seed' must be an int" },
        { "shape=(4,), sparkle=1", "TypeError", "unexpected keyword argument 'sparkle'" },
        { "shape=(4,), fill=3.5", "TypeError", "argument 'fill' must be str" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MemBuf_BadArgument_RaisesNamingItAndLeavesNothing(string arguments, string type, string message)
    {
        var s = await fixture.NewSessionAsync();
        var used = fixture.Core.Budget.UsedBytes;
        var exporters = fixture.Core.Exporters.Count;
        var r = await fixture.Sessions.RunAsync(s, $"bufferscope.MemBuf({arguments})");
        Assert.False(r.Ok, "the call should have raised");
        Assert.Equal(type, r.Error!.Type);
        Assert.Contains(message, r.Error.Message);
        Assert.Equal(used, fixture.Core.Budget.UsedBytes);
        Assert.Equal(exporters, fixture.Core.Exporters.Count);
    }

    [Fact]
    public async Task MemBuf_TotalOverLimit_IsRefusedAndFreeingMakesRoom()
    {
        var s = await fixture.NewSessionAsync();
        var used = fixture.Core.Budget.UsedBytes;
        // The fixture allows 128 MiB per buffer and 384 MiB in all.
        await fixture.RunOkAsync(s, "big = [bufferscope.MemBuf(shape=(100 << 20,), format='B') for _ in range(3)]");
        var r = await fixture.Sessions.RunAsync(s, "bufferscope.MemBuf(shape=(100 << 20,), format='B')");
        Assert.Equal("ValueError", r.Error!.Type);
        Assert.Contains("MaxTotalBytes", r.Error.Message);
        await fixture.RunOkAsync(s, "del big[0]\nx = bufferscope.MemBuf(shape=(100 << 20,), format='B')\ndel big, x");
        Assert.Equal(used, fixture.Core.Budget.UsedBytes);
    }

    [Fact]
    public void Factory_SpecWithoutShape_IsRefused()
    {
        var e = Assert.Throws<BufferSpecException>(() => fixture.Core.Factory.Create(new BufferSpec { Format = "B" }));
        Assert.Equal("shape", e.ParamName);
    }

    [Theory]
    [InlineData("pattern", null, "fill.pattern")]
    [InlineData("pattern", "zz", "fill.pattern")]
    [InlineData("bytes", "abc", "fill.bytes")]
    public void Factory_BadHex_IsRefused(string kind, string? hex, string parameter)
    {
        var fill = new FillSpec { Kind = kind, Pattern = hex, Bytes = hex };
        var e = Assert.Throws<BufferSpecException>(() => fixture.Core.Factory.Create(new BufferSpec { Shape = [4], Fill = fill }));
        Assert.Equal(parameter, e.ParamName);
    }
}
