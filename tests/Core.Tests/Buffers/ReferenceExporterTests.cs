namespace Bufferscope.Core.Tests.Buffers;

/// <summary>
/// Every request a consumer can make, answered as CPython's reference exporter
/// (_testbuffer.ndarray) answers it for the same bytes and layout: fields, errors, the bytes and
/// values a consumer reads, through getbuffer directly and through memoryview.
/// </summary>
public sealed class ReferenceExporterTests(CoreFixture fixture)
{
    public static TheoryData<string> Formats =>
    [
        "B", "b", "?", "c", "h", "<H", ">i", "=I", "l", "!L", "<l", "<q", ">Q",
        "n", "N", "@P", "e", "<f", ">d", "@d", "=e",
    ];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task EveryRequest_MatchesTestbufferNdarray(string format)
    {
        var s = await fixture.NewSessionAsync();
        await fixture.RunOkAsync(s, CoreFixture.Script("grid.py"));
        var report = await fixture.RunJsonAsync(s, $"compare('{format}')");
        Assert.True(report.GetProperty("cases").GetInt32() >= 30, "the grid ran");
        Assert.True(report.GetProperty("count").GetInt32() == 0, report.GetProperty("differences").ToString());
        await fixture.Sessions.DeleteAsync(s);
    }
}
