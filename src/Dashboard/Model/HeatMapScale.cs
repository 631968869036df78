using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Turns a picture's cells into palette indices for the heat map canvas: min..max maps linearly
/// onto 0..254 of a viridis-like scale; 255 marks cells with no finite value. Pictures are asked
/// for at most <see cref="MaxSide"/> cells a side (the server averages the elements of each cell).
/// </summary>
public static class HeatMapScale
{
    public const int MaxSide = 256;
    public const byte NotFinite = 255;

    /// <summary>A 256-entry RGB palette: viridis from dark blue to yellow, then magenta for not-finite.</summary>
    public static readonly byte[] Palette = BuildPalette();

    /// <summary>
    /// The cells to ask for: the buffer's rows × columns scaled down (never up) so the longer side
    /// is at most <see cref="MaxSide"/>, keeping its proportions.
    /// </summary>
    public static (int Width, int Height) Cells(long rows, long columns)
    {
        var scale = Math.Min(1.0, (double)MaxSide / Math.Max(rows, columns));
        return ((int)Math.Clamp(Math.Ceiling(columns * scale), 1, MaxSide), (int)Math.Clamp(Math.Ceiling(rows * scale), 1, MaxSide));
    }

    /// <summary>Palette indices of the cells: <paramref name="min"/>..<paramref name="max"/> onto 0..254, not-finite 255.</summary>
    public static byte[] Map(ReadOnlySpan<float> cells, double min, double max)
    {
        var indices = new byte[cells.Length];
        var span = max - min;
        for (var i = 0; i < cells.Length; i++)
        {
            var v = cells[i];
            indices[i] = !float.IsFinite(v) ? NotFinite : span > 0 ? (byte)Math.Clamp(Math.Round((v - min) / span * 254), 0, 254) : (byte)0;
        }
        return indices;
    }

    /// <summary>What the picture shows, in words.</summary>
    public static string Describe(PictureDto p, int rank)
    {
        var sampled = p.RowStep > 1 || p.ColumnStep > 1
            ? $"; every {(p.RowStep > 1 ? Ordinal(p.RowStep) + " row" : "row")} and {(p.ColumnStep > 1 ? Ordinal(p.ColumnStep) + " column" : "column")} read"
            : "";
        var cell = p.Width == p.Columns && p.Height == p.Rows ? "one element per cell" : "each cell the mean of its elements";
        return $"all {p.Rows} × {p.Columns}{(rank > 2 ? " (leading indices 0)" : "")} as {p.Width} × {p.Height} cells, {cell}{sampled}";
    }

    private static string Ordinal(long n) => n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static byte[] BuildPalette()
    {
        // Viridis control points (matplotlib), interpolated.
        (double T, int R, int G, int B)[] stops =
        [
            (0.0, 68, 1, 84), (0.25, 59, 82, 139), (0.5, 33, 145, 140), (0.75, 94, 201, 98), (1.0, 253, 231, 37),
        ];
        var palette = new byte[256 * 3];
        for (var i = 0; i < 255; i++)
        {
            var t = i / 254.0;
            var k = 0;
            while (k < stops.Length - 2 && t > stops[k + 1].T) k++;
            var (t0, r0, g0, b0) = stops[k];
            var (t1, r1, g1, b1) = stops[k + 1];
            var f = (t - t0) / (t1 - t0);
            palette[i * 3] = (byte)Math.Round(r0 + (r1 - r0) * f);
            palette[i * 3 + 1] = (byte)Math.Round(g0 + (g1 - g0) * f);
            palette[i * 3 + 2] = (byte)Math.Round(b0 + (b1 - b0) * f);
        }
        palette[255 * 3] = 255; palette[255 * 3 + 1] = 0; palette[255 * 3 + 2] = 255;
        return palette;
    }
}
