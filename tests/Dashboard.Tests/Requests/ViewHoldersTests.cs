using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bufferscope.Dashboard.Tests.Requests;

/// <summary>
/// GET .../buffers/{bid}/holders on a real kernel: each live view is named by the object that
/// holds it, as the session reaches it, through the memoryview most consumers keep.
/// </summary>
public sealed class ViewHoldersTests(ServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<(string Type, string? Name, string? Via)>> HoldersAsync(string session, long buffer)
    {
        var response = await fixture.Http.GetAsync($"/api/sessions/{session}/buffers/{buffer}/holders", Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return [.. json.EnumerateArray().Select(v => Assert.Single(v.GetProperty("holders").EnumerateArray()))
            .Select(h => (h.GetProperty("type").GetString()!, h.GetProperty("name").GetString(), h.GetProperty("via").GetString()))];
    }

    [Fact]
    public async Task EachView_IsNamedByItsHolder_memoryview_numpy_ctypes_aCast_andOneInAList()
    {
        var session = await fixture.NewSessionAsync("holders");
        await fixture.RunAsync(session.Id, """
            import bufferscope, numpy as np, ctypes
            buf = bufferscope.MemBuf(shape=(8,), format="B")
            mv = memoryview(buf)
            a = np.frombuffer(buf, dtype=np.uint8)
            c = (ctypes.c_ubyte * 8).from_buffer(buf)
            flat = memoryview(buf).cast("B")
            keep = [np.frombuffer(buf, dtype=np.uint8).reshape(2, 4)]
            """);
        var buffer = (await fixture.Http.GetFromJsonAsync<List<JsonElement>>($"/api/sessions/{session.Id}/buffers", Ct))!.Single().GetProperty("id").GetInt64();
        Assert.Equal(
            [("memoryview", "mv", null), ("numpy.ndarray", "a", "memoryview"), ("ctypes c_ubyte_Array_8", "c", "memoryview"),
             ("memoryview", "flat", null), ("numpy.ndarray", "keep[0]", "memoryview")],
            await HoldersAsync(session.Id, buffer));

        // Let go of all but the array: one view, still named by it.
        await fixture.RunAsync(session.Id, "mv.release(); flat.release(); del c, keep");
        Assert.Equal([("numpy.ndarray", "a", "memoryview")], await HoldersAsync(session.Id, buffer));
    }

    [Fact]
    public async Task A_Py_bufferOutsideAnyMemoryview_IsFoundByItsAddress_AndNoUserCodeRuns()
    {
        var session = await fixture.NewSessionAsync("holders-hostile");
        // Objects whose items(), __sizeof__ and __repr__ raise: looking must not call them. And a
        // consumer keeping its Py_buffer in memory of its own, not in a memoryview: _testbuffer.ndarray.
        await fixture.RunAsync(session.Id, """
            import bufferscope, _testbuffer
            calls = []
            class Evil(dict):
                def items(self): calls.append("items"); raise RuntimeError("items")
                def __iter__(self): calls.append("iter"); raise RuntimeError("iter")
            class Touchy:
                def __sizeof__(self): calls.append("sizeof"); raise RuntimeError("sizeof")
                def __repr__(self): calls.append("repr"); raise RuntimeError("repr")
            evil = Evil(x=1)
            touchy = {Touchy(): Touchy()}
            buf = bufferscope.MemBuf(shape=(4,), format="B")
            nd = _testbuffer.ndarray(buf, getbuf=_testbuffer.PyBUF_FULL_RO)
            """);
        var buffer = (await fixture.Http.GetFromJsonAsync<List<JsonElement>>($"/api/sessions/{session.Id}/buffers", Ct))!.Single().GetProperty("id").GetInt64();
        // Found by address: its Py_buffer is a field of the object (the type is named by the module holding it, not "ndarray").
        Assert.Equal(("_testbuffer.ndarray", "nd", null), Assert.Single(await HoldersAsync(session.Id, buffer)));
        Assert.Equal("[]", (await fixture.RunAsync(session.Id, "calls")).Result);
    }

    [Fact]
    public async Task AnUnknownBuffer_Is404()
    {
        var session = await fixture.NewSessionAsync("holders-404");
        var response = await fixture.Http.GetAsync($"/api/sessions/{session.Id}/buffers/123456789/holders", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no buffer with id 123456789", await response.Content.ReadAsStringAsync(Ct));
    }
}
