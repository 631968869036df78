using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Bufferscope.Dashboard.Tests;

/// <summary>Every API error path: the right status, and problem+json whose detail says what is wrong.</summary>
public sealed class ApiErrorTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string?, int, string> Cases => new()
    {
        // method, path ({sid} = a fresh session, {bid} = its buffer "frame" of 16 bytes, {ro} = a read-only one), body, status, detail contains
        { "POST", "/api/sessions", """{"name": ""}""", 400, "session name must be 1 to 64" },
        { "POST", "/api/sessions", """{"name": 5}""", 400, "could not be converted" },
        { "POST", "/api/sessions", "not json", 400, "JSON" },
        { "GET", "/api/sessions/nope", null, 404, "no session with id 'nope'" },
        { "DELETE", "/api/sessions/nope", null, 404, "no session" },
        { "POST", "/api/sessions/nope/buffers", """{"name": "x", "shape": [1]}""", 404, "no session" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "format": "ii", "shape": [4]}""", 400, "one item only" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [-4]}""", 400, "shape[0] is -4" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x"}""", 400, "shape is required" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [4611686018427387904, 4]}""", 400, "64-bit size" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [99999999999999999999]}""", 400, "could not be converted" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [2000000000]}""", 400, "MaxBufferBytes" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "format": "d", "strides": [-8]}""", 400, "before the start of the allocation" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "order": "Z"}""", 400, "order 'Z' is not allowed" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "1x", "shape": [3]}""", 400, "must be a Python identifier" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "frame", "shape": [3]}""", 400, "already bound" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "fill": {"kind": "glitter"}}""", 400, "fill 'glitter' is not allowed" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "fill": {"kind": "pattern", "pattern": "xyz"}}""", 400, "is not hex" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "source": {"kind": "gpu"}}""", 400, "source 'gpu' is not allowed" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "source": {"kind": "shm", "name": "a/b"}}""", 400, "is not allowed" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "format": "<n"}""", 400, "'n' exists only in native mode, with '@' or no prefix; allowed: one struct item code" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "format": "!P"}""", 400, "'P' exists only in native mode" },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "source": {"kind": "shm", "name": "bufferscope_test_no_such_segment"}}""", 400, "no shared memory segment 'bufferscope_test_no_such_segment'; existing: " },
        { "POST", "/api/sessions/{sid}/buffers", """{"name": "x", "shape": [3], "source": {"kind": "native", "create": true}}""", 400, "create is for source 'shm' only" },
        { "GET", "/api/sessions/{sid}/buffers/999999", null, 404, "no buffer with id 999999" },
        { "GET", "/api/sessions/{sid}/buffers/{bid}/memory?offset=10&length=7", null, 400, "offset + length at most 16" },
        { "GET", "/api/sessions/{sid}/buffers/{bid}/memory?offset=-1&length=1", null, 400, "offset must be in [0, 16]" },
        { "GET", "/api/sessions/{sid}/buffers/{bid}/memory?offset=9223372036854775807&length=1", null, 400, "outside the allocation" },
        { "GET", "/api/sessions/{sid}/buffers/{bid}/memory?length=-5", null, 400, "must be 0 or more" },
        { "GET", "/api/sessions/{sid}/buffers/{bid}/memory?length=99999999999", null, 400, "MaxTransferBytes" },
        { "GET", "/api/sessions/{sid}/buffers/{bid}/memory?offset=abc", null, 400, "Failed to bind parameter" },
        { "PUT", "/api/sessions/{sid}/buffers/{bid}/memory?offset=15", "ab", 400, "outside the allocation" },
        { "PUT", "/api/sessions/{sid}/buffers/{ro}/memory", "a", 409, "read-only" },
        { "DELETE", "/api/sessions/{sid}/buffers/999999", null, 404, "no buffer" },
        { "POST", "/api/sessions/{sid}/run", """{"code": 5}""", 400, "could not be converted" },
        { "POST", "/api/sessions/nope/run", """{"code": "1"}""", 404, "no session" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Error_HasStatusAndProblemDetail(string method, string path, string? body, int status, string detail)
    {
        var s = await server.NewSessionAsync();
        var frame = await server.NewBufferAsync(s.Id, new { name = "frame", shape = new[] { 16 } });
        var ro = await server.NewBufferAsync(s.Id, new { name = "ro", shape = new[] { 4 }, @readonly = true });
        var url = path.Replace("{sid}", s.Id).Replace("{bid}", frame.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("{ro}", ro.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, method == "PUT" ? "application/octet-stream" : "application/json");
        var response = await server.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Put_BodyOverTheLimit_Is413()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "frame", shape = new[] { 16 } });
        var response = await server.Http.PutAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory", new ByteArrayContent(new byte[(16 << 20) + 1]), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Run_CodeOverTheLimit_Is409()
    {
        var s = await server.NewSessionAsync();
        var response = await server.Http.PostAsJsonAsync($"/api/sessions/{s.Id}/run", new { code = new string('#', 100_001) }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("MaxCodeLength", await response.Content.ReadAsStringAsync(Ct));
    }
}
