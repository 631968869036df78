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

        var sums = new double[w * h];
        var counts = new int[w * h];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        var format = layout.Format;
        var size = format.ItemSize;
        var rowStride = layout.Strides[^2];
        var columnStride = layout.Strides[^1];
        var native = format.IsLittleEndian == BitConverter.IsLittleEndian;
        // Cell column of each sampled column, computed once, not per row.
        var cellOf = new int[(columns + columnStep - 1) / columnStep];
        for (var j = 0; j < cellOf.Length; j++)
            cellOf[j] = (int)(j * columnStep * w / columns);

        for (var r = 0L; r < rows; r += rowStep)
        {
            var cellRow = (int)(r * h / rows) * w;
            var at = layout.Offset + r * rowStride;
            for (var j = 0; j < cellOf.Length; j++, at += columnStride * columnStep)
            {
                if (at < 0 || at > length - size)
                    continue; // cannot happen for a layout checked to fit; a picture never reads outside
                var v = native ? ReadNative(allocation + at, format) : ReadNumber(format, new ReadOnlySpan<byte>(allocation + at, size));
                if (!double.IsFinite(v))
                    continue;
                var cell = cellRow + cellOf[j];
                sums[cell] += v;
                counts[cell]++;
                if (v < min) min = v;
                if (v > max) max = v;
            }
        }

        var cells = new float[w * h];
        for (var i = 0; i < cells.Length; i++)
            cells[i] = counts[i] > 0 ? (float)(sums[i] / counts[i]) : float.NaN;
        if (double.IsInfinity(min))
            (min, max) = (double.NaN, double.NaN);
        return new Picture(w, h, rows, columns, cells, min, max, rowStep, columnStep);
    }

    private static long Ceiling(long n, long step) => (n + step - 1) / step;

    /// <summary>One item as a number: bool 0/1, a char its byte, integers above 2^53 to the nearest double.</summary>
    public static double ReadNumber(StructFormat format, ReadOnlySpan<byte> item) =>
        format.Code == 'c' ? item[0] : format.Read(item);

    /// <summary>The common native-order codes read directly (the general path assembles bytes one by one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe double ReadNative(byte* p, StructFormat format) => format.Code switch
    {
        'f' => Unsafe.ReadUnaligned<float>(p),
        'd' => Unsafe.ReadUnaligned<double>(p),
        'B' or 'c' => *p,
        'b' => *(sbyte*)p,
        'h' => Unsafe.ReadUnaligned<short>(p),
        'H' => Unsafe.ReadUnaligned<ushort>(p),
        'i' => Unsafe.ReadUnaligned<int>(p),
        'I' => Unsafe.ReadUnaligned<uint>(p),
        _ => ReadNumber(format, new ReadOnlySpan<byte>(p, format.ItemSize)),
    };
}
