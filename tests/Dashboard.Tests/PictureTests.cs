using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// WatchPicture: a 2-D buffer's picture computed where its memory is, checked cell by cell
/// against numpy's block means over the same elements, for layouts the old 1 MiB window could
/// not show whole.
/// </summary>
public sealed class PictureTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// numpy's answer, compared in the kernel with the cells the hub sent (written into a MemBuf):
    /// the mean of the finite elements of each cell (rows r with r*h//rows == y, columns likewise),
    /// over a[::rs, ::cs] when the picture read every rs-th row and cs-th column.
    /// </summary>
    private const string Check = """
        import numpy as np
        def check(buf, got, w, h, rs, cs):
            a = np.asarray(buf).astype(np.float64)
            while a.ndim > 2: a = a[0]
            rows, cols = a.shape
            r = np.arange(0, rows, rs); c = np.arange(0, cols, cs)
            a = a[np.ix_(r, c)]
            ys = np.broadcast_to((r * h // rows)[:, None], a.shape)
            xs = np.broadcast_to((c * w // cols)[None, :], a.shape)
            finite = np.isfinite(a)
            s = np.zeros((h, w)); n = np.zeros((h, w))
            np.add.at(s, (ys[finite], xs[finite]), a[finite]); np.add.at(n, (ys[finite], xs[finite]), 1)
            with np.errstate(invalid='ignore', divide='ignore'):
                want = (s / n).astype(np.float32)
            got = np.frombuffer(got, dtype=np.float32).reshape(h, w)
            bad = ~np.isclose(want, got, rtol=1e-5, atol=1e-6, equal_nan=True)
            if not bad.any(): return 'same'
            y, x = np.argwhere(bad)[0]
            return f'{int(bad.sum())} cells differ; first at x={x}, y={y}: numpy {want[y, x]}, picture {got[y, x]}'
        """;

    /// <summary>The picture's cells against numpy's, in the session's kernel.</summary>
    private async Task AssertCellsAsync(string session, string buffer, PictureDto p)
    {
        var got = await server.NewBufferAsync(session, new { name = "got", format = "<f", shape = new[] { p.Cells.Length } });
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(p.Cells.AsSpan()).ToArray();
        (await server.Http.PutAsync($"/api/sessions/{session}/buffers/{got.Id}/memory?offset=0", new ByteArrayContent(bytes), Ct)).EnsureSuccessStatusCode();
        var run = await server.RunAsync(session, $"{Check}\ncheck({buffer}, got, {p.Width}, {p.Height}, {p.RowStep}, {p.ColumnStep})");
        Assert.Equal("'same'", run.Result);
    }

    private async Task<(HubConnection Hub, StreamRecorder<PictureDto> Pictures)> WatchAsync(long bufferId, int width, int height)
    {
        var hub = server.Hub(messagePack: true);
        await hub.StartAsync(Ct);
        return (hub, new StreamRecorder<PictureDto>(ct => hub.StreamAsync<PictureDto>("WatchPicture", bufferId, width, height, ct)));
    }

    [Theory]
    [InlineData("native", "C", "<d")]
    [InlineData("managed", "F", "<d")] // memory the server cannot map: drawn in the kernel, sent over its socket
    [InlineData("native", "C", ">q")]  // no direct reader: each item through the format's codec
    public async Task Picture_OfA480x640_IsTheWholeBufferAsNumpyBlockMeans(string source, string order, string format)
    {
        var s = await server.NewSessionAsync("picture");
        var b = await server.NewBufferAsync(s.Id, new { name = "frame", format, shape = new[] { 480, 640 }, order, source = new { kind = source } });
        await server.RunAsync(s.Id, "import numpy as np\na = np.asarray(frame)\na[:] = np.random.default_rng(1).normal(size=a.shape) * 1000\nif a.dtype.kind == 'f': a[7, 9] = np.nan\ndel a");
        var (hub, pictures) = await WatchAsync(b.Id, 256, 192);
        await using (hub)
        await using (pictures)
        {
            var p = (await pictures.WaitFor(items => items.Count >= 1))[0];
            // All 480 rows: the old picture showed the first 1 MiB only (rows 0-203 of a 640-wide <d).
            Assert.Equal((256, 192, 480L, 640L, 1L, 1L), (p.Width, p.Height, p.Rows, p.Columns, p.RowStep, p.ColumnStep));
            await AssertCellsAsync(s.Id, "frame", p);
            var range = await server.RunAsync(s.Id, "a = np.asarray(frame)\n(float(np.nanmin(a)), float(np.nanmax(a)))");
            var numpy = range.Result!.Trim('(', ')').Split(", ").Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal((numpy[0], numpy[1]), (p.Min, p.Max));
        }
    }

    [Fact]
    public async Task Picture_PastTheSampleBudget_IsStillWhole_AndFollowsAWriteAtTheFarCorner()
    {
        var s = await server.NewSessionAsync("picture-big");
        // 4096 x 4096 float32: 16 Mi elements, 64 MiB, four times what one picture reads.
        var b = await server.NewBufferAsync(s.Id, new { name = "big", format = "<f", shape = new[] { 4096, 4096 } });
        var (hub, pictures) = await WatchAsync(b.Id, 256, 256);
        await using (hub)
        await using (pictures)
        {
            var first = (await pictures.WaitFor(items => items.Count >= 1))[0];
            Assert.Equal((2L, 2L), (first.RowStep, first.ColumnStep));
            Assert.Equal((0.0, 0.0), (first.Min, first.Max));
            await server.RunAsync(s.Id, "import numpy as np\na = np.asarray(big)\na[-16:, -16:] = 5\na[:16, :16] = -5\ndel a");
            var p = (await pictures.WaitFor(items => items[^1].Max == 5 && items[^1].Min == -5))[^1];
            Assert.Equal(-5, p.Cells[0]);             // the first cell is rows 0-15, columns 0-15: all -5
            Assert.Equal(5, p.Cells[^1]);             // the last, rows 4080-4095 and columns likewise: all 5
            Assert.Equal(0, p.Cells[128 * 256 + 128]);
            await AssertCellsAsync(s.Id, "big", p);
        }
    }

    [Fact]
    public async Task Picture_IsRefusedWithAReason_ForOneDimensionOrABadSize()
    {
        var s = await server.NewSessionAsync("picture-refused");
        var line = await server.NewBufferAsync(s.Id, new { name = "line", format = "B", shape = new[] { 64 } });
        var grid = await server.NewBufferAsync(s.Id, new { name = "grid", format = "B", shape = new[] { 8, 8 } });
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        async Task<string> Refusal(long id, int w, int h)
        {
            var e = await Assert.ThrowsAsync<HubException>(async () =>
            {
                await foreach (var _ in hub.StreamAsync<PictureDto>("WatchPicture", id, w, h, Ct)) { }
            });
            return e.Message;
        }
        Assert.Contains("a picture needs 2 or more dimensions; this buffer has 1", await Refusal(line.Id, 16, 16));
        Assert.Contains("each side is 1 to 1024", await Refusal(grid.Id, 0, 16));
        Assert.Contains("each side is 1 to 1024", await Refusal(grid.Id, 16, 1025));
        Assert.Contains("no buffer with id 42", await Refusal(42, 16, 16));
    }
}
