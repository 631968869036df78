using System.Net;
using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Tests;

/// <summary>GET .../memory/search: the whole allocation searched where the memory is, a real kernel's buffer.</summary>
public sealed class MemorySearchApiTests(ServerFixture server)
{
    private HttpClient Http => server.Http;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<MemorySearchDto> SearchAsync(string session, long buffer, string hex, long from)
    {
        var response = await Http.GetAsync($"/api/sessions/{session}/buffers/{buffer}/memory/search?bytes={hex}&from={from}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MemorySearchDto>(ServerFixture.Json, Ct))!;
    }

    [Fact]
    public async Task Search_AcrossChunkBoundariesAndWrapping_FindsEveryMatch()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "big", format = "B", shape = new[] { 3 << 20 } });
        // One match across the first 1 MiB chunk's end, one near the buffer's end.
        await server.RunAsync(s.Id, "mv = memoryview(big)\nmv[(1 << 20) - 2:(1 << 20) + 2] = bytes.fromhex('deadbeef')\nmv[(3 << 20) - 4:] = bytes.fromhex('deadbeef')\nmv.release()");

        Assert.Equal(new MemorySearchDto((1 << 20) - 2, false, 3 << 20), await SearchAsync(s.Id, b.Id, "deadbeef", 0));
        Assert.Equal(new MemorySearchDto((3 << 20) - 4, false, 3 << 20), await SearchAsync(s.Id, b.Id, "DEADBEEF", (1 << 20) - 1));
        Assert.Equal(new MemorySearchDto((1 << 20) - 2, true, 3 << 20), await SearchAsync(s.Id, b.Id, "deadbeef", (3 << 20) - 3));
        Assert.Equal(new MemorySearchDto(null, false, 3 << 20), await SearchAsync(s.Id, b.Id, "0badf00d", 0));
    }

    [Fact]
    public async Task Search_BadHexAnotherSessionsBufferOrNoToken_IsRefused()
    {
        var s = await server.NewSessionAsync();
        var other = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "small", format = "B", shape = new[] { 16 } });

        var bad = await Http.GetAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory/search?bytes=xyz", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("is not hex: give the bytes to find as hex digits, two per byte", await bad.Content.ReadAsStringAsync(Ct));
        var empty = await Http.GetAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory/search", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/sessions/{other.Id}/buffers/{b.Id}/memory/search?bytes=00", Ct)).StatusCode);
        using var anonymous = server.Server.Client(withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory/search?bytes=00", Ct)).StatusCode);
    }
}
