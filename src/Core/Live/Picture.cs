using System.Runtime.CompilerServices;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Live;

/// <summary>
/// A buffer's last two dimensions (leading indices 0) reduced to a grid of at most
/// <see cref="MaxSide"/> × <see cref="MaxSide"/> cells, each the mean of the finite elements it
/// covers, NaN where it covers none. Computed where the memory is (the kernel, or the server's
/// mapping of the same pages), so a 1 GiB buffer crosses no socket: only the cells do.
///
/// <see cref="Min"/> and <see cref="Max"/> are of the elements read, not of the means, so the
/// scale names values the buffer holds. Reading is bounded: past <see cref="MaxSamples"/>
/// elements, every k-th row and column is read (<see cref="RowStep"/>, <see cref="ColumnStep"/>),
/// evenly over the whole picture, so a frame of any buffer costs the same few milliseconds.
/// </summary>
public sealed record Picture(
    int Width,
    int Height,
    long Rows,
    long Columns,
    float[] Cells,
    double Min,
    double Max,
    long RowStep,
    long ColumnStep)
{
    public const int MaxSide = 1024;

    /// <summary>Elements read per picture at most: 4 Mi, ~16 MiB of float32, a few ms.</summary>
    public const long MaxSamples = 4L << 20;

    /// <summary>Why a buffer of this layout has no picture, or null when it has one.</summary>
    public static string? Refusal(BufferLayout layout)
    {
        if (layout.Rank < 2)
            return $"a picture needs 2 or more dimensions; this buffer has {layout.Rank}";
        if (layout.Shape[^2] == 0 || layout.Shape[^1] == 0)
            return "this buffer has no elements to draw (a zero extent)";
        return null;
    }

    /// <summary>
    /// The picture of the buffer at <paramref name="allocation"/> (<paramref name="length"/>
    /// bytes) laid out as <paramref name="layout"/>, <paramref name="width"/> × <paramref name="height"/>
    /// cells at most (fewer when the buffer has fewer columns or rows). The caller keeps the
    /// memory mapped for the call.
    /// </summary>
    public static unsafe Picture Draw(byte* allocation, long length, BufferLayout layout, int width, int height)
    {
        if (Refusal(layout) is { } why)
            throw new ArgumentException(why, nameof(layout));
        if (width is < 1 or > MaxSide || height is < 1 or > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), $"a picture is 1 to {MaxSide} cells a side; {width} × {height} was asked");
        var rows = layout.Shape[^2];
        var columns = layout.Shape[^1];
        var w = (int)Math.Min(width, columns);
        var h = (int)Math.Min(height, rows);
        // Every k-th row or column once a full read would pass the budget, stepping the dimension
        // with more samples per cell first: each cell keeps at least one (the budget is more
        // than MaxSide², the most cells there are).
        long rowStep = 1, columnStep = 1;
        while (Ceiling(rows, rowStep) * Ceiling(columns, columnStep) > MaxSamples)
        {
            if ((double)rows / rowStep / h >= (double)columns / columnStep / w)
                rowStep++;
            else
                columnStep++;
        }

        var rowStride = layout.Strides[^2];
        var columnStride = layout.Strides[^1];
        // The plane's first and last byte, checked once: no element read can fall outside.
        var low = layout.Offset + Math.Min(0, (rows - 1) * rowStride) + Math.Min(0, (columns - 1) * columnStride);
        var high = layout.Offset + Math.Max(0, (rows - 1) * rowStride) + Math.Max(0, (columns - 1) * columnStride) + layout.ItemSize;
        if (low < 0 || high > length)
            throw new ArgumentException($"the layout reaches bytes [{low}, {high}) of a {length}-byte allocation", nameof(layout));
        var cellOf = new int[Ceiling(columns, columnStep)];
        for (var j = 0; j < cellOf.Length; j++)
            cellOf[j] = (int)(j * columnStep * w / columns);
        var plane = new Plane(allocation + layout.Offset, rows, rowStride * rowStep, rowStep, columnStride * columnStep, cellOf, w, h);
        var sums = new double[w * h];
        var counts = new int[w * h];
        var format = layout.Format;
        var native = format.IsLittleEndian == BitConverter.IsLittleEndian;
        var (min, max) = (native ? format.Code : '\0') switch
        {
            'f' => plane.Accumulate(new Float32(), sums, counts),
            'd' => plane.Accumulate(new Float64(), sums, counts),
            'B' or 'c' => plane.Accumulate(new UInt8(), sums, counts),
            'b' => plane.Accumulate(new Int8(), sums, counts),
            'h' => plane.Accumulate(new Int16(), sums, counts),
            'H' => plane.Accumulate(new UInt16(), sums, counts),
            'i' when format.ItemSize == 4 => plane.Accumulate(new Int32(), sums, counts),
            'I' when format.ItemSize == 4 => plane.Accumulate(new UInt32(), sums, counts),
            _ => plane.Accumulate(new AnyFormat(format), sums, counts),
        };

        var cells = new float[w * h];
        for (var i = 0; i < cells.Length; i++)
            cells[i] = counts[i] > 0 ? (float)(sums[i] / counts[i]) : float.NaN;
        if (double.IsInfinity(min))
            (min, max) = (double.NaN, double.NaN);
        return new Picture(w, h, rows, columns, cells, min, max, rowStep, columnStep);
    }

    private static long Ceiling(long n, long step) => (n + step - 1) / step;

    /// <summary>
    /// How one item is read: the common native-order types straight from memory, any other format
    /// through its codec. A struct, so the one loop below is compiled once per reader, inlined.
    /// </summary>
    private unsafe interface IItem
    {
        double Read(byte* p);
    }

    private readonly unsafe struct Float32 : IItem { public double Read(byte* p) => Unsafe.ReadUnaligned<float>(p); }
    private readonly unsafe struct Float64 : IItem { public double Read(byte* p) => Unsafe.ReadUnaligned<double>(p); }
    private readonly unsafe struct UInt8 : IItem { public double Read(byte* p) => *p; }
    private readonly unsafe struct Int8 : IItem { public double Read(byte* p) => *(sbyte*)p; }
    private readonly unsafe struct Int16 : IItem { public double Read(byte* p) => Unsafe.ReadUnaligned<short>(p); }
    private readonly unsafe struct UInt16 : IItem { public double Read(byte* p) => Unsafe.ReadUnaligned<ushort>(p); }
    private readonly unsafe struct Int32 : IItem { public double Read(byte* p) => Unsafe.ReadUnaligned<int>(p); }
    private readonly unsafe struct UInt32 : IItem { public double Read(byte* p) => Unsafe.ReadUnaligned<uint>(p); }

    /// <summary>Any other format (the other byte order, 8-byte integers, half floats, bool): through its codec.</summary>
    private readonly unsafe struct AnyFormat(StructFormat format) : IItem
    {
        public double Read(byte* p) => ItemCodec.Number(format, new ReadOnlySpan<byte>(p, format.ItemSize));
    }

    /// <summary>The sampled rows and columns of the plane, and the cell each falls in.</summary>
    private readonly unsafe struct Plane(byte* first, long rows, long rowBytes, long rowStep, long columnBytes, int[] cellOf, int width, int height)
    {
        public (double Min, double Max) Accumulate<T>(T item, double[] sums, int[] counts) where T : struct, IItem
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            var row = first;
            for (var r = 0L; r < rows; r += rowStep, row += rowBytes)
            {
                var cellRow = (int)(r * height / rows) * width;
                var at = row;
                for (var j = 0; j < cellOf.Length; j++, at += columnBytes)
                {
                    var v = item.Read(at);
                    if (!double.IsFinite(v))
                        continue;
                    var cell = cellRow + cellOf[j];
                    sums[cell] += v;
                    counts[cell]++;
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }
            return (min, max);
        }
    }
}
