using Bufferscope.Core.Buffers;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Tests.Sessions;

public sealed class SessionBufferTests(CoreFixture fixture)
{
    private static BufferSpec Frame(string name = "frame") => new()
    {
        Name = name, Format = "<d", Shape = [4, 5], Fill = new FillSpec { Kind = "ramp" },
    };

    [Fact]
    public async Task CreateBuffer_BindsNameAndDescribesLayout()
    {
        var s = await fixture.NewSessionAsync();
        var d = await fixture.Sessions.CreateBufferAsync(s, Frame());
        Assert.Equal(("frame", "<d", 8, 160L, "C", false, "native"), (d.Name, d.Format, d.ItemSize, d.NBytes, d.Order, d.Readonly, d.Source.Kind));
        Assert.Equal([40L, 8L], d.Strides);
        Assert.Equal(0, d.Address % 64); // aligned native memory
        var r = await fixture.RunOkAsync(s, "import numpy as np\nfloat(np.asarray(frame)[3, 4]), frame.exports");
        Assert.Equal("(19.0, 0)", r.Result);
        Assert.Equal(0, fixture.Sessions.GetBuffer(s, d.Id).Exports); // numpy's array was a temporary
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("class")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData(null)]
    public async Task CreateBuffer_NameNotAnIdentifier_IsRefused(string? name)
    {
        var s = await fixture.NewSessionAsync();
        var e = await Assert.ThrowsAsync<BufferSpecException>(() => fixture.Sessions.CreateBufferAsync(s, Frame() with { Name = name }));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("identifier", e.Message);
        Assert.Empty(fixture.Sessions.ListBuffers(s));
    }

    [Fact]
    public async Task CreateBuffer_NameTaken_IsRefused()
    {
        var s = await fixture.NewSessionAsync();
        await fixture.RunOkAsync(s, "frame = 1");
        var e = await Assert.ThrowsAsync<BufferSpecException>(() => fixture.Sessions.CreateBufferAsync(s, Frame()));
        Assert.Contains("already bound", e.Message);
    }

    [Fact]
    public async Task FreeBuffer_WhileExported_IsRefusedThenUnbindsTheName()
    {
        var s = await fixture.NewSessionAsync();
        var d = await fixture.Sessions.CreateBufferAsync(s, Frame());
        await fixture.RunOkAsync(s, "mv = memoryview(frame)");
        var e = await Assert.ThrowsAsync<BufferLifetimeException>(() => fixture.Sessions.FreeBufferAsync(s, d.Id));
        Assert.Equal(1, e.LiveExports);
        Assert.Equal(1, fixture.Sessions.GetBuffer(s, d.Id).Exports);
        await fixture.RunOkAsync(s, "mv.release()");
        await fixture.Sessions.FreeBufferAsync(s, d.Id);
        Assert.Equal("False", (await fixture.RunOkAsync(s, "'frame' in globals()")).Result);
        await Assert.ThrowsAsync<NotFoundException>(() => Task.FromResult(fixture.Sessions.GetBuffer(s, d.Id)));
    }

    [Fact]
    public async Task Memory_ReadWrite_BoundsCheckedAndReadOnlyRefused()
    {
        var s = await fixture.NewSessionAsync();
        var d = await fixture.Sessions.CreateBufferAsync(s, new BufferSpec { Name = "raw", Shape = [16] });
        fixture.Sessions.WriteMemory(s, d.Id, 14, [1, 2]);
        Assert.Equal(new byte[] { 0, 1, 2 }, fixture.Sessions.ReadMemory(s, d.Id, 13, 3));
        Assert.Equal("(1, 2)", (await fixture.RunOkAsync(s, "memoryview(raw)[14], memoryview(raw)[15]")).Result);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Sessions.ReadMemory(s, d.Id, 10, 7));
        Assert.Contains("[0, 16]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Sessions.WriteMemory(s, d.Id, -1, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Sessions.ReadMemory(s, d.Id, long.MaxValue, 1));

        var ro = await fixture.Sessions.CreateBufferAsync(s, new BufferSpec { Name = "ro", Shape = [4], Readonly = true });
        Assert.Throws<BufferLifetimeException>(() => fixture.Sessions.WriteMemory(s, ro.Id, 0, [1]));
        Assert.Equal(new byte[4], fixture.Sessions.ReadMemory(s, ro.Id, 0, 4));
    }

    [Fact]
    public async Task DeleteSession_WithLiveExports_IsRefusedUnlessForced()
    {
        var s = await fixture.NewSessionAsync();
        var d = await fixture.Sessions.CreateBufferAsync(s, Frame());
        await fixture.RunOkAsync(s, "import numpy as np\na = np.asarray(frame)\nb = np.asarray(frame)");
        var e = await Assert.ThrowsAsync<BufferLifetimeException>(() => fixture.Sessions.DeleteAsync(s));
        Assert.Equal(2, e.LiveExports);
        Assert.Contains("2 live exports", e.Message);
        Assert.Equal(2, fixture.Sessions.GetBuffer(s, d.Id).Exports); // nothing changed
        await fixture.Sessions.DeleteAsync(s, force: true);
        Assert.Null(fixture.Core.Exporters.Get(d.Id));
        Assert.Throws<NotFoundException>(() => fixture.Sessions.Get(s));
    }

    [Fact]
    public async Task CreateSession_BadName_IsRefused()
    {
        await Assert.ThrowsAsync<BufferSpecException>(() => fixture.Sessions.CreateAsync(""));
        await Assert.ThrowsAsync<BufferSpecException>(() => fixture.Sessions.CreateAsync(new string('x', 65)));
        await Assert.ThrowsAsync<BufferSpecException>(() => fixture.Sessions.CreateAsync("a\nb"));
    }
}
