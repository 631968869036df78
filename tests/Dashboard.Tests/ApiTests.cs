using System.Net;
using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Tests;

public sealed class ApiTests(ServerFixture server)
{
    private HttpClient Http => server.Http;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_NamesTheEmbeddedPython()
    {
        var health = await Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/healthz", Ct);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.StartsWith("3.11", health.GetProperty("python").GetProperty("version").GetString());
        Assert.Equal("/usr/bin/python3", health.GetProperty("python").GetProperty("executable").GetString());
        Assert.EndsWith(".so.1.0", health.GetProperty("python").GetProperty("library").GetString());
    }

    [Fact]
    public async Task Sessions_CreateListGetDelete()
    {
        var created = await Http.PostAsJsonAsync("/api/sessions", new { name = "demo" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var session = (await created.Content.ReadFromJsonAsync<SessionDto>(ServerFixture.Json, Ct))!;
        Assert.Equal($"/api/sessions/{session.Id}", created.Headers.Location!.ToString());
        Assert.Contains(await Http.GetFromJsonAsync<SessionDto[]>("/api/sessions", Ct) ?? [], s => s.Id == session.Id);
        Assert.Equal("demo", (await Http.GetFromJsonAsync<SessionDto>($"/api/sessions/{session.Id}", Ct))!.Name);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{session.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/sessions/{session.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Buffers_CreateDescribeAndListPythonMadeOnesToo()
    {
        var s = await server.NewSessionAsync();
        var frame = await server.NewBufferAsync(s.Id, new { name = "frame", format = "<d", shape = new[] { 480, 640 }, order = "F", fill = new { kind = "ramp" } });
        Assert.Equal(("frame", "<d", 8, 480L * 640 * 8, "F", false, "native"), (frame.Name, frame.Format, frame.ItemSize, frame.NBytes, frame.Order, frame.ReadOnly, frame.Source.Kind));
        Assert.Equal([8L, 480 * 8], frame.Strides);

        await server.RunAsync(s.Id, "mv = memoryview(frame)\nextra = bufferscope.MemBuf(shape=(3,), format='B')");
        var all = (await Http.GetFromJsonAsync<BufferDto[]>($"/api/sessions/{s.Id}/buffers", ServerFixture.Json, Ct))!;
        Assert.Equal(["frame", "extra"], all.Select(b => b.Name));
        var view = Assert.Single(all[0].Views);
        Assert.Equal((0x11c, false, "<d", 2), (view.Flags, view.ReadOnly, view.Format, view.NDim));
        Assert.Equal(["PyBUF_INDIRECT", "PyBUF_FORMAT"], view.FlagNames);
        Assert.Matches(@"^In \[\d+\], line 1$", view.Origin);
        Assert.Equal(1, (await Http.GetFromJsonAsync<BufferDto>($"/api/sessions/{s.Id}/buffers/{frame.Id}", ServerFixture.Json, Ct))!.Exports);
    }

    [Fact]
    public async Task Memory_ReadWriteRoundTripsThroughPython()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "raw", shape = new[] { 16 } });
        var put = await Http.PutAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory?offset=4", new ByteArrayContent([1, 2, 3]), Ct);
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("[0, 1, 2, 3, 0]", (await server.RunAsync(s.Id, "list(bytes(raw)[3:8])")).Result);
        await server.RunAsync(s.Id, "memoryview(raw)[15] = 0xee");
        var bytes = await Http.GetByteArrayAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory?offset=14&length=2", Ct);
        Assert.Equal(new byte[] { 0, 0xee }, bytes);
        Assert.Equal(16, (await Http.GetByteArrayAsync($"/api/sessions/{s.Id}/buffers/{b.Id}/memory", Ct)).Length);
    }

    [Fact]
    public async Task Delete_WhileExported_Is409WithCountThen204()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "frame", shape = new[] { 8 } });
        await server.RunAsync(s.Id, "import numpy as np\na = np.asarray(frame)\nmv = memoryview(frame)");
        var refused = await Http.DeleteAsync($"/api/sessions/{s.Id}/buffers/{b.Id}", Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        Assert.Equal("BufferError", problem.GetProperty("title").GetString());
        Assert.Equal(2, problem.GetProperty("exports").GetInt32());
        Assert.Contains("2 exports are still live", problem.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.Conflict, (await Http.DeleteAsync($"/api/sessions/{s.Id}", Ct)).StatusCode);
        await server.RunAsync(s.Id, "del a\nmv.release()");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}/buffers/{b.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task DeleteSession_Forced_DropsItsViews()
    {
        var s = await server.NewSessionAsync();
        var b = await server.NewBufferAsync(s.Id, new { name = "frame", shape = new[] { 8 } });
        await server.RunAsync(s.Id, "mv = memoryview(frame)");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}?force=true", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/sessions/{s.Id}/buffers/{b.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Run_ReportsOutputErrorsAndTimeouts()
    {
        var s = await server.NewSessionAsync();
        var ok = await server.RunAsync(s.Id, "print('hi')\n2 ** 10");
        Assert.Equal(("hi\n", "1024"), (ok.Stdout, ok.Result));
        var failed = (await (await Http.PostAsJsonAsync($"/api/sessions/{s.Id}/run", new { code = "1/0" }, Ct)).Content.ReadFromJsonAsync<RunResponse>(ServerFixture.Json, Ct))!;
        Assert.False(failed.Ok);
        Assert.Equal(("ZeroDivisionError", "division by zero"), (failed.Error!.Type, failed.Error.Message));
        Assert.Contains("1/0", failed.Error.Traceback);
    }

    [Fact]
    public async Task OpenApi_DocumentsTheApi()
    {
        var doc = await Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/openapi/v1.json", Ct);
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/sessions", "/api/sessions/{sid}/buffers", "/api/sessions/{sid}/buffers/{bid}/memory", "/api/sessions/{sid}/run" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }
}
