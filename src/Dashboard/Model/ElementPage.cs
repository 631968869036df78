using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The element grid's page: the buffer read through its own format, shape and strides. For rank
/// 2 and up the last two dimensions are rows and columns and the leading ones are picked by
/// index; rank 1 is one row; rank 0 one cell. Each cell knows its bytes' offset, so the grid can
/// say which bytes make which element.
/// </summary>
public sealed class ElementPage
{
    public StructFormat Format { get; }
    public long[] Shape { get; }
    public long[] Strides { get; }
    public long BaseOffset { get; }
    public long[] Leading { get; }
    public long FirstRow { get; }
    public long FirstColumn { get; }
    public int Rows { get; }
    public int Columns { get; }

    public ElementPage(string format, long[] shape, long[] strides, long baseOffset, long[] leading, long firstRow, long firstColumn, int maxRows, int maxColumns)
    {
        Format = StructFormat.Parse(format);
        Shape = shape;
        Strides = strides;
        BaseOffset = baseOffset;
        var rank = shape.Length;
        Leading = [.. Enumerable.Range(0, Math.Max(0, rank - 2)).Select(d => Math.Clamp(d < leading.Length ? leading[d] : 0, 0, Math.Max(0, shape[d] - 1)))];
        var rowExtent = rank >= 2 ? shape[rank - 2] : 1;
        var columnExtent = rank >= 1 ? shape[rank - 1] : 1;
        FirstRow = Math.Clamp(firstRow, 0, Math.Max(0, rowExtent - 1));
        FirstColumn = Math.Clamp(firstColumn, 0, Math.Max(0, columnExtent - 1));
        Rows = (int)Math.Clamp(rowExtent - FirstRow, 0, maxRows);
        Columns = (int)Math.Clamp(columnExtent - FirstColumn, 0, maxColumns);
        if (shape.Any(e => e == 0))
            Rows = Columns = 0;
    }

    public long RowExtent => Shape.Length >= 2 ? Shape[^2] : 1;
    public long ColumnExtent => Shape.Length >= 1 ? Shape[^1] : 1;

    /// <summary>The full index of the cell at page row r, column c.</summary>
    public long[] IndexOf(int r, int c) => Shape.Length switch
    {
        0 => [],
        1 => [FirstColumn + c],
        _ => [.. Leading, FirstRow + r, FirstColumn + c],
    };

    /// <summary>The offset of the cell's first byte in the allocation.</summary>
    public long OffsetOf(int r, int c)
    {
        var index = IndexOf(r, c);
        var offset = BaseOffset;
        for (var d = 0; d < index.Length; d++)
            offset += index[d] * Strides[d];
        return offset;
    }

    /// <summary>The allocation bytes the page's cells span, to watch as one window.</summary>
    public (long Offset, long Length) Span()
    {
        if (Rows == 0 || Columns == 0)
            return Shape.Length == 0 ? (BaseOffset, Format.ItemSize) : (BaseOffset, 0);
        long lo = long.MaxValue, hi = long.MinValue;
        foreach (var (r, c) in new[] { (0, 0), (0, Columns - 1), (Rows - 1, 0), (Rows - 1, Columns - 1) })
        {
            var o = OffsetOf(r, c);
            lo = Math.Min(lo, o);
            hi = Math.Max(hi, o + Format.ItemSize);
        }
        return (lo, hi - lo);
    }

    public static string ShowIndex(long[] index) => index.Length == 0 ? "()" : "[" + string.Join(", ", index) + "]";
}
