using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

public sealed class SearchPatternTests
{
    [Theory]
    [InlineData("de ad be ef")]
    [InlineData("DEADBEEF")]
    [InlineData("0xde 0xad, 0xbe 0xef")]
    public void Parse_HexSpelledAnyUsualWay_IsTheBytes(string text) =>
        Assert.Equal([0xde, 0xad, 0xbe, 0xef], SearchPattern.Parse(text, asText: false).Bytes);

    [Theory]
    [InlineData("de ag", "'g' in 'ag' is not a hex digit")]
    [InlineData("abc", "'abc' has 3 hex digits: each byte is two (0a, not a)")]
    [InlineData("", "type the bytes to find, in hex")]
    [InlineData("  ", "type the bytes to find, as hex digits 0-9 and a-f")]
    public void Parse_BadHex_SaysWhatIsWrongAndWhatIsAllowed(string text, string error)
    {
        var (bytes, message) = SearchPattern.Parse(text, asText: false);
        Assert.Null(bytes);
        Assert.Contains(error, message);
    }

    [Fact]
    public void Parse_Text_IsItsUtf8() => Assert.Equal("héllo"u8.ToArray(), SearchPattern.Parse("héllo", asText: true).Bytes);

    [Fact]
    public void Parse_MoreThanTheLimit_IsRefused() =>
        Assert.Contains("at most 256", SearchPattern.Parse(new string('a', 300), asText: true).Error);
}
