using Bufferscope.Dashboard.Components.Controls;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

[Collection(nameof(ComponentsCollection))]
public sealed class ValueInspectorTests : ComponentTest
{
    // Bytes 81 3c 00 c0 00 00 f8 7f; expected values from CPython: struct.unpack('<' + code) and ('>' + code).
    private static readonly byte[] Bytes = [0x81, 0x3c, 0x00, 0xc0, 0x00, 0x00, 0xf8, 0x7f];

    [Theory]
    [InlineData("int8", "-127", "-127")]
    [InlineData("uint8", "129", "129")]
    [InlineData("int16", "15489", "-32452")]
    [InlineData("uint16", "15489", "33084")]
    [InlineData("int32", "-1073726335", "-2126774080")]
    [InlineData("uint32", "3221240961", "2168193216")]
    [InlineData("int64", "9221120240262331521", "-9134425119580424065")]
    [InlineData("uint64", "9221120240262331521", "9312318954129127551")]
    [InlineData("float16", "1.1259765625", "-1.8835067749023438e-05")]
    [InlineData("float32", "-2.003692865371704", "-3.4530684654014996e-38")]
    [InlineData("float64", "nan", "-1.0208638862913432e-302")]
    public void Inspector_EveryTypeAndByteOrder_MatchesPythonStruct(string type, string little, string big)
    {
        var view = Render<ValueInspector>(p => p.Add(x => x.Offset, 16).Add(x => x.Bytes, Bytes));
        var row = view.Find($"tr[data-type={type}]");
        var shownLittle = row.QuerySelector("td[data-order=little]")!.TextContent;
        var shownBig = row.QuerySelector("td[data-order=big]")!.TextContent;
        Assert.Equal(little, shownLittle);
        if (type.EndsWith('8') && !type.EndsWith("64")) Assert.Equal("″", shownBig); // one byte has no order
        else Assert.Equal(big, shownBig);
    }

    [Fact]
    public void Inspector_TooFewBytes_ShowsADashNotAGuess()
    {
        var view = Render<ValueInspector>(p => p.Add(x => x.Bytes, new byte[] { 1, 2, 3 }));
        Assert.Equal("513", view.Find("tr[data-type=int16] td[data-order=little]").TextContent);
        Assert.Equal("–", view.Find("tr[data-type=int32] td[data-order=little]").TextContent);
        Assert.Equal("–", view.Find("tr[data-type=float64] td[data-order=big]").TextContent);
    }

    [Fact]
    public void Write_BadHex_IsRefusedBesideTheField()
    {
        byte[]? written = null;
        var view = Render<ValueInspector>(p => p.Add(x => x.Bytes, Bytes).Add(x => x.Write, b => { written = b; return Task.CompletedTask; }));
        view.Find("[data-testid=byte-edit]").Change("zz");
        view.Find("form").Submit();
        Assert.Null(written);
        Assert.Contains("hex digits", view.Markup);
        view.Find("[data-testid=byte-edit]").Change("ff 01");
        view.Find("form").Submit();
        Assert.Equal(new byte[] { 0xff, 0x01 }, written);
    }
}
