using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// Issue 12, defect 4: attaching a POSIX shared memory segment over the API never makes one by
/// mistake and never overwrites one unasked; a segment made for a buffer goes with it. Each test
/// names its segments uniquely and unlinks them in a finally, so none outlives it.
/// </summary>
public sealed class SharedMemoryApiTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private HttpClient Http => server.Http;

    private static string NewName() => $"bufferscope_test_{Guid.NewGuid():n}";
    private static string PathOf(string name) => Path.Combine("/dev/shm", name);

    private static void Unlink(params string[] names)
    {
        foreach (var name in names)
            File.Delete(PathOf(name));
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string session, object spec)
    {
        var response = await Http.PostAsJsonAsync($"/api/sessions/{session}/buffers", spec, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<byte[]> MemoryAsync(string session, long buffer, int length) =>
        await Http.GetByteArrayAsync($"/api/sessions/{session}/buffers/{buffer}/memory?offset=0&length={length}", Ct);

    [Fact]
    public async Task Attach_MissingSegment_Is400NamingTheSegmentsThere_AndMakesNothing()
    {
        var s = await server.NewSessionAsync();
        var there = NewName();
        var typo = there[..^1] + (there[^1] == 'x' ? 'y' : 'x');
        try
        {
            await File.WriteAllBytesAsync(PathOf(there), new byte[16], Ct);
            var (status, body) = await PostAsync(s.Id, new { name = "seg", shape = new[] { 16 }, source = new { kind = "shm", name = typo } });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains($"no shared memory segment '{typo}'; existing: '{there}'", detail); // the closest spelling first
            Assert.Contains("\"create\": true", detail);
            Assert.False(File.Exists(PathOf(typo)));
            Assert.Empty((await Http.GetFromJsonAsync<BufferDto[]>($"/api/sessions/{s.Id}/buffers", ServerFixture.Json, Ct))!);
        }
        finally { Unlink(there, typo); }
    }

    [Fact]
    public async Task Attach_ExistingSegment_KeepsItsBytes_WithoutAFillOrWithOneWithoutAKind_AndFreeLeavesIt()
    {
        var s = await server.NewSessionAsync();
        var name = NewName();
        byte[] data = [1, 2, 3, 4, 5, 6, 7, 8];
        try
        {
            await File.WriteAllBytesAsync(PathOf(name), data, Ct);
            var plain = await server.NewBufferAsync(s.Id, new { name = "plain", shape = new[] { 8 }, source = new { kind = "shm", name } });
            Assert.Equal(("shm", name, false), (plain.Source.Kind, plain.Source.Name, plain.Source.Create));
            Assert.Equal(data, await MemoryAsync(s.Id, plain.Id, 8));
            // A fill object that names no kind asks for nothing: the source's default, keep.
            var unnamed = await server.NewBufferAsync(s.Id, new { name = "unnamed", shape = new[] { 8 }, fill = new { }, source = new { kind = "shm", name } });
            Assert.Equal(data, await MemoryAsync(s.Id, unnamed.Id, 8));

            Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}/buffers/{plain.Id}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}/buffers/{unnamed.Id}", Ct)).StatusCode);
            Assert.Equal(data, await File.ReadAllBytesAsync(PathOf(name), Ct)); // attached: its creator's, left as it was
        }
        finally { Unlink(name); }
    }

    [Fact]
    public async Task Create_MakesTheSegment_RefusesAnExistingOne_AndFreeUnlinksIt()
    {
        var s = await server.NewSessionAsync();
        var name = NewName();
        try
        {
            var made = await server.NewBufferAsync(s.Id, new { name = "made", shape = new[] { 32 }, fill = new { kind = "ramp" }, source = new { kind = "shm", name, create = true } });
            Assert.Equal(("shm", name, true), (made.Source.Kind, made.Source.Name, made.Source.Create));
            Assert.Equal(32, new FileInfo(PathOf(name)).Length);

            // Made once; a second create would fill someone's (here our own) segment: refused, nothing changed.
            var (status, body) = await PostAsync(s.Id, new { name = "again", shape = new[] { 32 }, fill = new { kind = "zeros" }, source = new { kind = "shm", name, create = true } });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains($"shared memory segment '{name}' already exists (32 bytes); leave out create to attach it", body);
            Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), await MemoryAsync(s.Id, made.Id, 32));

            Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}/buffers/{made.Id}", Ct)).StatusCode);
            Assert.False(File.Exists(PathOf(name))); // made for the buffer: unlinked with it
        }
        finally { Unlink(name); }
    }

    [Fact]
    public async Task Create_ThenKernelRestart_StillUnlinksOnFree_AndSessionDeleteUnlinksWhatItMade()
    {
        var s = await server.NewSessionAsync();
        var made = NewName();
        var attached = NewName();
        var other = NewName();
        try
        {
            await File.WriteAllBytesAsync(PathOf(attached), new byte[8], Ct);
            var first = await server.NewBufferAsync(s.Id, new { name = "first", shape = new[] { 8 }, source = new { kind = "shm", name = made, create = true } });
            await server.NewBufferAsync(s.Id, new { name = "theirs", shape = new[] { 8 }, source = new { kind = "shm", name = attached } });
            var restart = await Http.PostAsync($"/api/sessions/{s.Id}/restart", null, Ct);
            Assert.True(restart.IsSuccessStatusCode, await restart.Content.ReadAsStringAsync(Ct));
            var rebound = (await restart.Content.ReadFromJsonAsync<RestartDto>(ServerFixture.Json, Ct))!.Rebound.Single(b => b.Name == "first");
            Assert.True(rebound.Source.Create); // still the session's own after the restart
            Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}/buffers/{rebound.Id}", Ct)).StatusCode);
            Assert.False(File.Exists(PathOf(made)));
            Assert.NotEqual(first.Id, rebound.Id);

            // Deleting the session ends its kernel without a free: what it made goes, what it attached stays.
            await server.NewBufferAsync(s.Id, new { name = "second", shape = new[] { 8 }, source = new { kind = "shm", name = other, create = true } });
            Assert.True(File.Exists(PathOf(other)));
            Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/sessions/{s.Id}?force=true", Ct)).StatusCode);
            Assert.False(File.Exists(PathOf(other)));
            Assert.True(File.Exists(PathOf(attached)));
        }
        finally { Unlink(made, attached, other); }
    }
}
