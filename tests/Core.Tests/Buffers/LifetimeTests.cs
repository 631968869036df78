namespace Bufferscope.Core.Tests.Buffers;

/// <summary>The export count is exact, freeing is refused while exported, and memory outlives every view.</summary>
public sealed class LifetimeTests(CoreFixture fixture)
{
    [Fact]
    public async Task Exports_CountIsExact_ThroughNestedViewsSlicesAndFailures()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            import numpy as np
            from _testbuffer import ndarray, PyBUF_WRITABLE, PyBUF_F_CONTIGUOUS
            b = bufferscope.MemBuf(shape=(4, 6), format='<f', readonly=True)
            seen = []
            mv = memoryview(b); seen.append(b.exports)           # 1
            sub = mv[1:]; seen.append(b.exports)                  # slices share the export: 1
            flat = mv.cast('B'); seen.append(b.exports)           # casts too: 1
            a = np.asarray(b); seen.append(b.exports)             # 2
            s2 = a[::2, 1:]; seen.append(b.exports)               # numpy slices share a's: 2
            for flags in (PyBUF_WRITABLE, PyBUF_F_CONTIGUOUS):
                try: ndarray(b, getbuf=flags)
                except BufferError: pass
            seen.append(b.exports)                                # refused requests count nothing: 2
            del a; seen.append(b.exports)                         # s2 still holds it: 2
            del s2; seen.append(b.exports)                        # 1
            del sub, flat; mv.release(); seen.append(b.exports)   # 0
            print(seen)
            """);
        Assert.Equal("[1, 1, 1, 2, 2, 2, 2, 1, 0]\n", r.Stdout);
    }

    [Fact]
    public async Task Del_WhileViewed_KeepsMemoryValidUntilLastViewGoes()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            import gc
            b = bufferscope.MemBuf(shape=(1 << 20,), format='B', fill=b'\xab')
            ident = b.id
            mv = memoryview(b)
            del b; gc.collect()
            junk = [bytearray(1 << 20) for _ in range(8)]   # reuse freed memory, if it were freed
            mv[123] = 7
            print(mv[0], mv[123], mv[-1], len(mv))
            ident
            """);
        Assert.Equal("171 7 171 1048576\n", r.Stdout);
        var id = long.Parse(r.Result!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotNull(fixture.Core.Exporters.Get(id)); // alive: the view holds it
        await fixture.RunOkAsync(s, "mv.release()");
        Assert.Null(fixture.Core.Exporters.Get(id)); // freed with the last view
    }

    [Fact]
    public async Task Views_LedgerRecordsFlagsFieldsAndOrigin()
    {
        var s = await fixture.NewSessionAsync("ledger");
        await fixture.RunOkAsync(s, "b = bufferscope.MemBuf(shape=(2, 3), format='<d')");
        var r = await fixture.RunOkAsync(s, """
            x = 1
            mv = memoryview(b)
            v = b.views[0]
            print(v['flag_names'], v['readonly'], v['format'], v['ndim'], v['shape'], v['strides'], v['origin'])
            """);
        Assert.Matches(@"^PyBUF_INDIRECT \| PyBUF_FORMAT False <d 2 \(2, 3\) \(24, 8\) In \[\d+\], line 2\n$", r.Stdout);

        var descriptor = fixture.Sessions.ListBuffers(s).Single();
        var view = Assert.Single(descriptor.Views);
        Assert.Equal(0x11c, view.Flags);
        Assert.True((DateTimeOffset.UtcNow - view.AcquiredAt).Duration() < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Views_SimpleRequestOnND_IsHandedBytesView()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            from _testbuffer import ndarray, PyBUF_SIMPLE
            b = bufferscope.MemBuf(shape=(2, 3), format='<i')
            nd = ndarray(b, getbuf=PyBUF_SIMPLE)
            v = b.views[0]
            print(v['flag_names'], v['format'], v['ndim'], v['shape'], v['strides'])
            """);
        Assert.Equal("PyBUF_SIMPLE None 1 None None\n", r.Stdout);
    }

    [Fact]
    public async Task CopyAndPickle_AreRefusedInsteadOfMakingAnotherBuffer()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            import copy, pickle
            b = bufferscope.MemBuf(shape=(4,), format='B', fill='ramp')
            errors = []
            for attempt in (lambda: copy.copy(b), lambda: copy.deepcopy(b), lambda: pickle.dumps(b)):
                try:
                    attempt()
                except TypeError as e:
                    errors.append(str(e).split(':')[0])
            errors, b.exports
            """);
        Assert.Equal("(['a MemBuf cannot be pickled or copied', 'a MemBuf cannot be pickled or copied', 'a MemBuf cannot be pickled or copied'], 0)", r.Result);
    }
}
