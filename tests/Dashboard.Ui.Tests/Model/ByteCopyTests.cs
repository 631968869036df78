using Bufferscope.Core.Buffers;
using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

/// <summary>The text forms; that Python and numpy read them back as the same bytes is checked in a kernel (HexViewTests).</summary>
public sealed class ByteCopyTests
{
    private static readonly byte[] Bytes = [0x00, 0x27, 0x41, 0x5c, 0x0a, 0xff, 0x7f, 0x20];

    [Theory]
    [InlineData(CopyFormat.Hex, "00 27 41 5c 0a ff 7f 20")]
    [InlineData(CopyFormat.CArray, "unsigned char data[8] = { 0x00, 0x27, 0x41, 0x5c, 0x0a, 0xff, 0x7f, 0x20 };")]
    [InlineData(CopyFormat.PythonBytes, @"b'\x00\'A\\\n\xff\x7f '")]
    [InlineData(CopyFormat.Base64, "ACdBXAr/fyA=")]
    [InlineData(CopyFormat.Numpy, "np.frombuffer(bytes.fromhex('0027415c0aff7f20'), dtype='<f8')")]
    public void Write_EachFormat_WritesTheBytes(CopyFormat format, string expected) =>
        Assert.Equal(expected, ByteCopy.Write(format, Bytes, StructFormat.Parse("<d")));

    [Fact]
    public void Write_NumpyOfAPartialItem_ReadsBytes() =>
        Assert.Equal("np.frombuffer(bytes.fromhex('0027415c0a'), dtype='u1')", ByteCopy.Write(CopyFormat.Numpy, Bytes.AsSpan(0, 5), StructFormat.Parse("<d")));

    [Theory]
    [InlineData(">i", ">i4")]
    [InlineData("H", "<u2")]
    [InlineData("=l", "<i4")]
    [InlineData("l", "<i8")]
    [InlineData("B", "|u1")]
    [InlineData("?", "?")]
    [InlineData("c", "S1")]
    [InlineData("!e", ">f2")]
    [InlineData("P", "<u8")]
    public void Dtype_StructFormat_IsNumpysName(string format, string dtype) => Assert.Equal(dtype, ByteCopy.Dtype(StructFormat.Parse(format)));

    [Fact]
    public void Write_CArrayOfMoreThan16Bytes_OneLineEach16()
    {
        var text = ByteCopy.Write(CopyFormat.CArray, new byte[20], StructFormat.Parse("B"));
        Assert.Equal(4, text.Split('\n').Length);
        Assert.EndsWith("0x00\n};", text);
    }
}
