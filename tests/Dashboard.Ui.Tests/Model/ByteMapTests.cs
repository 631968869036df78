using Bufferscope.Core.Buffers;
using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

/// <summary>
/// The byte map against the definition: element [i...] has bytes [offset + Σ i·stride, + itemsize).
/// Small layouts are checked byte by byte against every element enumerated; large ones show the
/// map costs what the window does, not what the buffer does.
/// </summary>
public sealed class ByteMapTests
{
    private static BufferLayout Layout(string format, long[] shape, long[]? strides = null, long offset = 0, string order = "C") =>
        BufferLayout.Create(StructFormat.Parse(format), shape, order, strides, offset);

    /// <summary>Every element of the layout, by brute force: the reference the map must agree with.</summary>
    private static List<(long[] Index, long Offset)> AllElements(BufferLayout layout)
    {
        var all = new List<(long[], long)>();
        if (layout.Count == 0)
            return all;
        var index = new long[layout.Rank];
        while (true)
        {
            all.Add(([.. index], layout.OffsetOf(index)));
            var d = layout.Rank - 1;
            while (d >= 0 && ++index[d] == layout.Shape[d]) index[d--] = 0;
            if (d < 0) return all;
        }
    }

    public static TheoryData<string, long[], long[]?, long, string> Layouts => new()
    {
        { "<d", [3, 4], null, 0, "C" },
        { "<d", [3, 4], null, 0, "F" },
        { "<h", [2, 3, 4], null, 0, "F" },
        { "<i", [4, 3], [-12, 4], 36, "C" },      // rows reversed: [0, 0] at 36, [3, 0] at 0
        { "<i", [4, 3], [-12, -4], 44, "C" },     // both reversed: [0, 0] is the last item
        { "B", [5, 3], [8, 2], 1, "C" },           // padding between items and rows
        { "<q", [3, 2], [8, 32], 0, "C" },         // Fortran-like with a gap after each column
        { "<i", [6], [2], 0, "C" },                // overlapping: each item shares 2 bytes with the next
        { "<d", [4, 3], [0, 8], 0, "C" },          // broadcast rows: 4 elements on each byte
        { "<f", [], null, 8, "C" },                // rank 0: one item at the offset
        { "<f", [3, 0, 2], null, 0, "C" },         // no items at all
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Compute_EveryWindow_AgreesWithEveryElementEnumerated(string format, long[] shape, long[]? strides, long offset, string order)
    {
        var layout = Layout(format, shape, strides, offset, order);
        var all = AllElements(layout);
        var size = Math.Max(layout.RequiredBytes, 1) + 5;
        foreach (var (start, length) in new[] { (0L, (int)size), (3L, 7), (size - 4, 4), (1L, 1) })
        {
            var map = ByteMap.Compute(layout, start, length);
            Assert.False(map.Partial);
            for (var at = start; at < start + length; at++)
            {
                var users = all.Where(e => at >= e.Offset && at < e.Offset + layout.ItemSize).ToList();
                Assert.Equal(users.Count, map.UsersAt(at));
                var element = map.ElementAt(at);
                if (users.Count == 0)
                    Assert.Null(element);
                else
                    Assert.Contains(users, u => u.Index.SequenceEqual(element!.Index) && u.Offset == element.Offset);
            }
            // Each element touching the window found exactly once.
            var touching = all.Count(e => e.Offset < start + length && e.Offset + layout.ItemSize > start);
            Assert.Equal(touching, map.Elements.Count);
        }
    }

    [Fact]
    public void Compute_NegativeRowStride_ElementsBeforeThePointerAreMapped()
    {
        // 4 rows of 3 int32 with the rows reversed: the pointer (item [0, 0]) is at byte 36 and
        // rows 1-3 lie before it, row 3 first in memory.
        var map = ByteMap.Compute(Layout("<i", [4, 3], [-12, 4], offset: 36), 0, 48);
        Assert.Equal([3L, 0], map.ElementAt(0)!.Index);
        Assert.Equal([2L, 1], map.ElementAt(16)!.Index);
        Assert.Equal([0L, 2], map.ElementAt(47)!.Index);
        Assert.Equal(36, map.ElementAt(36)!.Offset);
    }

    [Fact]
    public void Compute_Fortran_NeighboursInMemoryAreRowsApart()
    {
        var map = ByteMap.Compute(Layout("<d", [3, 4], order: "F"), 0, 96);
        var first = map.ElementAt(0)!;
        var second = map.ElementAt(8)!;
        Assert.Equal([0L, 0], first.Index);
        Assert.Equal([1L, 0], second.Index);
        Assert.Equal([0L, 1], map.ElementAt(24)!.Index);
        // The tint tells memory neighbours apart; the hue is the row: Fortran interleaves them.
        Assert.NotEqual(first.Parity, second.Parity);
        Assert.NotEqual(first.Row, second.Row);
    }

    [Fact]
    public void Compute_PaddingAndBytesBeforeTheOffset_MapToNoElement()
    {
        // 'B' items 2 apart, rows 8 apart, from byte 1: bytes 0, 2, 4, 6, 7 belong to nobody.
        var map = ByteMap.Compute(Layout("B", [2, 3], [8, 2], offset: 1), 0, 16);
        Assert.Null(map.ElementAt(0));
        Assert.Equal([0L, 0], map.ElementAt(1)!.Index);
        Assert.Null(map.ElementAt(2));
        Assert.Equal([0L, 2], map.ElementAt(5)!.Index);
        Assert.Null(map.ElementAt(7));
        Assert.Equal([1L, 0], map.ElementAt(9)!.Index);
        Assert.Equal(0, map.UsersAt(100)); // outside the window
    }

    [Fact]
    public void Compute_RankZero_OneElementWithAnEmptyIndex()
    {
        var map = ByteMap.Compute(Layout("<d", [], offset: 4), 0, 16);
        var e = Assert.Single(map.Elements);
        Assert.Empty(e.Index);
        Assert.Equal(4, e.Offset);
        Assert.Null(map.ElementAt(3));
        Assert.Same(e, map.ElementAt(11));
        Assert.Null(map.ElementAt(12));
    }

    [Fact]
    public void Compute_ZeroExtent_NoByteIsUsed()
    {
        var map = ByteMap.Compute(Layout("<d", [0, 4]), 0, 16);
        Assert.Empty(map.Elements);
        Assert.Null(map.ElementAt(0));
    }

    [Fact]
    public void Compute_OneGibibyteBuffersDeepWindow_CostsTheWindowOnly()
    {
        // 1 GiB of float64 in C, Fortran and reversed-row order: a window at 700 MB maps its 296
        // bytes from 37 elements, found without touching the other 134 million.
        const long rows = 8192, columns = 16384;
        var start = 700_000_000L;
        foreach (var layout in new[]
        {
            Layout("<d", [rows, columns]),
            Layout("<d", [rows, columns], order: "F"),
            Layout("<d", [rows, columns], [-columns * 8, 8], offset: (rows - 1) * columns * 8),
        })
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var map = ByteMap.Compute(layout, start, 296);
            watch.Stop();
            Assert.False(map.Partial);
            Assert.Equal(37, map.Elements.Count);
            // One or two rows, then the 37 items: not the 8192 rows nor the 134 million items.
            Assert.InRange(map.Visits, 37, 40);
            for (var at = start; at < start + 296; at++)
            {
                var e = map.ElementAt(at)!;
                Assert.InRange(at, e.Offset, e.End - 1);
                Assert.Equal(e.Offset, layout.OffsetOf(e.Index));
            }
            Assert.True(watch.ElapsedMilliseconds < 500, $"{watch.ElapsedMilliseconds} ms for one window");
        }
    }

    [Fact]
    public void Compute_ABroadcastDimensionOfAMillion_StopsAtItsBudgetAndSaysSo()
    {
        // Stride 0 puts a million elements on each byte: the map stops rather than enumerate them.
        var map = ByteMap.Compute(Layout("<d", [1_000_000, 4], [0, 8]), 0, 32);
        Assert.True(map.Partial);
        Assert.True(map.Elements.Count <= ByteMap.MaxElements);
    }
}
