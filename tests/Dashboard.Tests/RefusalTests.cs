using System.Net.Http.Json;
using System.Text.Json;
using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// The ledger keeps refusals: a request a buffer refuses (struct.pack_into on a read-only buffer,
/// numpy asking for a writable view, a contiguity it lacks) is in the descriptor's "refused" with
/// its flags, name, reason and the console line that asked, and on the Events stream as it happens.
/// </summary>
public sealed class RefusalTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_request_is_kept_with_its_flags_reason_and_line_and_told_as_it_happens(bool messagePack)
    {
        var s = await server.NewSessionAsync("refusals");
        await using var hub = server.Hub(messagePack);
        await hub.StartAsync(Ct);
        await using var events = new StreamRecorder<HubEvent>(ct => hub.StreamAsync<HubEvent>("Events", s.Id, ct));
        for (var i = 0; !events.Items.Any(e => e.Kind == "bufferCreated"); i++)
        {
            await server.NewBufferAsync(s.Id, new { name = $"ro{i}", format = "B", shape = new[] { 8 }, @readonly = true });
            await Task.Delay(100, Ct);
        }
        var packed = await server.RunAsync(s.Id, "import struct\nb = ro0\ntry:\n    struct.pack_into('B', b, 0, 1)\nexcept TypeError as e:\n    reason = str(e)\nreason");
        Assert.True(packed.Ok, packed.Error?.Message);

        var told = (await events.WaitFor(e => e.Any(x => x.Kind == "exportRefused"))).First(x => x.Kind == "exportRefused");
        Assert.Equal("ro0", told.BufferName);
        Assert.NotNull(told.Refusal);
        Assert.NotEqual(0, told.Refusal.Flags & 0x1); // struct asked for PyBUF_WRITABLE
        Assert.Contains("WRITABLE", told.Refusal.FlagNames);
        Assert.Matches(@"^In \[\d+\], line 4$", told.Refusal.Origin);
        Assert.Contains("read-only", told.Refusal.Reason);
        Assert.Equal(0, told.Exports);

        var id = told.BufferId!.Value;
        var buffer = await server.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{s.Id}/buffers/{id}", Ct);
        var refused = buffer.GetProperty("refused").EnumerateArray().ToList();
        Assert.Single(refused);
        Assert.Equal(told.Refusal.Flags, refused[0].GetProperty("flags").GetInt32());
        Assert.Equal(told.Refusal.FlagNames, refused[0].GetProperty("flagNames").GetString());
        Assert.Equal(told.Refusal.Origin, refused[0].GetProperty("origin").GetString());
        Assert.Equal(told.Refusal.Reason, refused[0].GetProperty("reason").GetString());
        Assert.Equal(0, buffer.GetProperty("exports").GetInt32());
    }

    [Fact]
    public async Task Only_the_newest_100_are_kept_whoever_asked()
    {
        var s = await server.NewSessionAsync("many refusals");
        var made = await server.NewBufferAsync(s.Id, new { name = "f", format = "d", shape = new[] { 2, 3 }, order = "F" });
        // hashlib asks for a simple (C-contiguous) buffer: Fortran memory refuses it, 130 times.
        var run = await server.RunAsync(s.Id, """
            import hashlib
            for i in range(130):
                try:
                    hashlib.md5(f)
                except BufferError:
                    pass
            """);
        Assert.True(run.Ok, run.Error?.Message);
        var buffer = await server.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{s.Id}/buffers/{made.Id}", Ct);
        var refused = buffer.GetProperty("refused").EnumerateArray().ToList();
        Assert.Equal(100, refused.Count);
        Assert.All(refused, r => Assert.Matches(@"^In \[\d+\], line \d+$", r.GetProperty("origin").GetString()));
        Assert.Contains(refused, r => r.GetProperty("flagNames").GetString() == "PyBUF_SIMPLE" && r.GetProperty("reason").GetString()!.Contains("contiguous"));
        // The newest, oldest first: 100 of them, in the order they came.
        var times = refused.Select(r => r.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
    }
}
