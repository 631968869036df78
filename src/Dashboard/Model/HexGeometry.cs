namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Virtual scrolling for a hex view of any size. Browsers cap an element's height (Chromium at
/// about 33 million pixels; a 1 GiB buffer has 67 million 16-byte rows), so the scroll area is
/// at most <see cref="MaxScrollPixels"/> tall and a scroll position maps to a row by proportion.
/// Only the rows on screen are rendered and watched.
/// </summary>
public sealed record HexGeometry(long Length, int BytesPerRow, int VisibleRows, double RowHeight)
{
    public const double MaxScrollPixels = 4_000_000;

    public long TotalRows => Length == 0 ? 0 : (Length + BytesPerRow - 1) / BytesPerRow;
    public long LastFirstRow => Math.Max(0, TotalRows - VisibleRows);
    public double ScrollHeight => Math.Min(TotalRows * RowHeight, MaxScrollPixels);
    /// <summary>True when one pixel of scroll is more than one pixel of rows.</summary>
    public bool Scaled => TotalRows * RowHeight > MaxScrollPixels;

    /// <summary>The first row on screen for a scroll offset of the scroll area.</summary>
    public long FirstRowAt(double scrollTop, double clientHeight)
    {
        var range = ScrollHeight - clientHeight;
        if (range <= 0)
            return 0;
        var row = Scaled ? (long)Math.Round(Math.Clamp(scrollTop / range, 0, 1) * LastFirstRow) : (long)(scrollTop / RowHeight);
        return Math.Clamp(row, 0, LastFirstRow);
    }

    /// <summary>The scroll offset that puts <paramref name="row"/> first on screen.</summary>
    public double ScrollTopFor(long row, double clientHeight)
    {
        row = Math.Clamp(row, 0, LastFirstRow);
        return Scaled && LastFirstRow > 0 ? row / (double)LastFirstRow * (ScrollHeight - clientHeight) : row * RowHeight;
    }

    /// <summary>The bytes to watch for rows starting at <paramref name="firstRow"/>.</summary>
    public (long Offset, int Length) Window(long firstRow)
    {
        var offset = Math.Clamp(firstRow, 0, Math.Max(0, TotalRows - 1)) * BytesPerRow;
        return (offset, (int)Math.Min((long)VisibleRows * BytesPerRow, Math.Max(0, Length - offset)));
    }
}
