namespace Bufferscope.Core.Tests.Buffers;

/// <summary>Real consumers read and write MemBuf memory zero-copy, and see its format, shape and strides.</summary>
public sealed class ConsumerTests(CoreFixture fixture)
{
    [Theory]
    [InlineData("<d", "C", "float64", "(3, 4)", "(32, 8)")]
    [InlineData(">i", "C", ">i4", "(3, 4)", "(16, 4)")]
    [InlineData("<H", "F", "uint16", "(3, 4)", "(2, 6)")]
    [InlineData("e", "C", "float16", "(3, 4)", "(8, 2)")]
    [InlineData("?", "F", "bool", "(3, 4)", "(1, 3)")]
    public async Task Numpy_Asarray_SeesDtypeShapeStrides(string format, string order, string dtype, string shape, string strides)
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, $"""
            import numpy as np
            b = bufferscope.MemBuf(shape=(3, 4), format={Quote(format)}, order={Quote(order)})
            a = np.asarray(b)
            print(a.dtype == np.dtype({Quote(dtype)}), a.shape, a.strides, a.ctypes.data == b.address, b.exports)
            """);
        Assert.Equal($"True {shape} {strides} True 1\n", r.Stdout);
    }

    [Fact]
    public async Task Numpy_WriteThroughView_IsInDotNetMemory()
    {
        var s = await fixture.NewSessionAsync();
        await fixture.RunOkAsync(s, """
            import numpy as np
            b = bufferscope.MemBuf(shape=(2, 3), format='<i', name='grid')
            a = np.frombuffer(b, dtype='<i4').reshape(2, 3)
            a[1, 2] = 0x01020304
            a[0, 0] = -1
            """);
        var buffer = fixture.Sessions.ListBuffers(s).Single(x => x.Name == "grid");
        var bytes = fixture.Sessions.ReadMemory(s, buffer.Id, 0, 24);
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff }, bytes[..4]);
        Assert.Equal(new byte[] { 4, 3, 2, 1 }, bytes[20..24]);
        Assert.Equal(1, buffer.Exports); // a (through frombuffer) still holds one
    }

    [Fact]
    public async Task Numpy_StridedAndNegative_ReadItemsWhereLayoutPutsThem()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            import numpy as np
            b = bufferscope.MemBuf(shape=(3,), format='<h', strides=(-4,), offset=8, data=bytes(range(10)))
            a = np.asarray(b)
            print(a.strides, [hex(v) for v in a.tolist()], a.ctypes.data == b.address)
            r = bufferscope.MemBuf(shape=(2, 3), format='B', fill='ramp', order='F')
            print(np.asarray(r).tolist(), memoryview(r).tobytes().hex())
            """);
        Assert.Equal("(-4,) ['0x908', '0x504', '0x100'] True\n[[0, 1, 2], [3, 4, 5]] 000102030405\n", r.Stdout);
    }

    [Fact]
    public async Task StandardLibraryConsumers_ReadAndWriteIt()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            import hashlib, zlib, struct, ctypes, io
            data = bytes(range(256)) * 4
            b = bufferscope.MemBuf(shape=(1024,), format='B', data=data)
            checks = {
                'sha256': hashlib.sha256(b).hexdigest() == hashlib.sha256(data).hexdigest(),
                'crc32': zlib.crc32(b) == zlib.crc32(data),
                'compress': zlib.decompress(zlib.compress(b)) == data,
                'bytes': bytes(b) == data,
                'struct': struct.unpack_from('<I', b, 4) == (0x07060504,),
                'bytesio': io.BytesIO().write(b) == 1024,
            }
            arr = (ctypes.c_uint8 * 1024).from_buffer(b)
            arr[0] = 200
            checks['ctypes'] = bytes(b)[0] == 200 and b.exports == 1
            del arr
            checks['released'] = b.exports == 0
            print(checks)
            """);
        Assert.DoesNotContain("False", r.Stdout);
        Assert.Contains("'ctypes': True", r.Stdout);
    }

    [Fact]
    public async Task Pil_Frombuffer_ShowsTheBytesAsAPicture()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            from PIL import Image
            b = bufferscope.MemBuf(shape=(4, 8), format='B', fill='ramp')
            img = Image.frombuffer('L', (8, 4), b, 'raw', 'L', 0, 1)
            print(img.size, img.getpixel((3, 2)), img.getpixel((7, 3)))
            """);
        Assert.Equal("(8, 4) 19 31\n", r.Stdout);
    }

    [Fact]
    public async Task ReadOnly_RefusesWritableConsumers()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            import ctypes, numpy as np
            b = bufferscope.MemBuf(shape=(8,), format='B', readonly=True)
            try:
                (ctypes.c_uint8 * 8).from_buffer(b)
            except TypeError as e:
                print('ctypes:', e)
            a = np.frombuffer(b, dtype=np.uint8)
            print(a.flags.writeable, memoryview(b).readonly, b.exports)
            """);
        Assert.Contains("ctypes: ", r.Stdout);
        Assert.EndsWith("False True 1\n", r.Stdout);
    }

    private static string Quote(string s) => $"'{s}'";
}
