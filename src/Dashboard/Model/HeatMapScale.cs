namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Turns 2-D numbers into palette indices for the heat map canvas: min..max of the finite values
/// maps linearly onto 0..254 of a viridis-like scale; 255 marks NaN and infinities. Large arrays
/// are sampled to at most <see cref="MaxSide"/> per side (nearest neighbour).
/// </summary>
public static class HeatMapScale
{
    public const int MaxSide = 256;
    public const byte NotFinite = 255;

    /// <summary>A 256-entry RGB palette: viridis from dark blue to yellow, then magenta for not-finite.</summary>
    public static readonly byte[] Palette = BuildPalette();

    public static (byte[] Indices, double Min, double Max) Map(double[] values, int width, int height)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var indices = new byte[width * height];
        var span = max - min;
        for (var i = 0; i < indices.Length && i < values.Length; i++)
        {
            var v = values[i];
            indices[i] = !double.IsFinite(v) ? NotFinite : span > 0 ? (byte)Math.Round((v - min) / span * 254) : (byte)0;
        }
        if (double.IsInfinity(min)) (min, max) = (double.NaN, double.NaN);
        return (indices, min, max);
    }

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
