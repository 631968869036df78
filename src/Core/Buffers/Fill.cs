using Bufferscope.Core.Buffers.Memory;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// Initial contents. Typed fills (ramp, random) write items where the layout puts them, in C index
/// order, so a strided or Fortran buffer reads 0, 1, 2... along its own indices; byte fills
/// (pattern, bytes) cover the allocation in memory order, as <c>tobytes</c> of the allocation shows.
/// </summary>
public static class Fill
{
    /// <summary>Parses and checks a fill before anything is allocated; returns the explicit bytes, if any.</summary>
    public static byte[]? Validate(FillSpec fill)
    {
        switch (fill.Kind)
        {
            case "zeros" or "ramp" or "random" or "keep":
                return null;
            case "pattern":
                var pattern = Hex(fill.Pattern, "fill.pattern");
                return pattern.Length == 0
                    ? throw new BufferSpecException("fill.pattern", "fill 'pattern' needs at least one byte of hex, e.g. \"deadbeef\"")
                    : pattern;
            case "bytes":
                return Hex(fill.Bytes, "fill.bytes");
            default:
                throw new BufferSpecException("fill.kind", $"fill '{fill.Kind}' is not allowed; use one of {FillSpec.Allowed}");
        }
    }

    public static byte[] Hex(string? hex, string parameter)
    {
        var text = (hex ?? "").Replace(" ", "", StringComparison.Ordinal);
        try { return Convert.FromHexString(text); }
        catch (FormatException) { throw new BufferSpecException(parameter, $"'{Shorten(text)}' is not hex: give pairs of 0-9a-f digits, e.g. \"00ff10\""); }
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";

    public static unsafe void Apply(FillSpec fill, byte[]? bytes, MemorySource memory, BufferLayout layout)
    {
        var start = (byte*)memory.Address;
        switch (fill.Kind)
        {
            case "zeros":
                if (!memory.StartsZeroed) // clearing fresh memory would touch every page of it for nothing
                    System.Runtime.InteropServices.NativeMemory.Clear(start, (nuint)memory.Length);
                break;
            case "pattern":
                ArgumentNullException.ThrowIfNull(bytes);
                for (long at = 0; at < memory.Length; at += bytes.Length)
                {
                    var n = (int)Math.Min(bytes.Length, memory.Length - at);
                    bytes.AsSpan(0, n).CopyTo(new Span<byte>(start + at, n));
                }
                break;
            case "bytes":
                ArgumentNullException.ThrowIfNull(bytes);
                bytes.AsSpan().CopyTo(new Span<byte>(start, bytes.Length));
                break;
            case "ramp":
                EachItem(layout, start, static (format, item, k, _) => ItemCodec.Write(format, item, k), null);
                break;
            case "random":
                var random = fill.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
                EachItem(layout, start, static (format, item, _, r) =>
                {
                    if (format.IsFloat) ItemCodec.Write(format, item, r!.NextDouble());
                    else if (format.Code == '?') item[0] = (byte)r!.Next(2);
                    else r!.NextBytes(item);
                }, random);
                break;
        }
    }

    private delegate void ItemWriter(StructFormat format, Span<byte> item, long k, Random? random);

    private static unsafe void EachItem(BufferLayout layout, byte* start, ItemWriter write, Random? random)
    {
        if (layout.Count == 0)
            return;
        var rank = layout.Rank;
        var index = new long[rank];
        var shape = layout.ShapeArray();
        var strides = layout.StridesArray();
        var at = layout.Offset;
        for (long k = 0; k < layout.Count; k++)
        {
            write(layout.Format, new Span<byte>(start + at, layout.ItemSize), k, random);
            // Odometer step in C order: the last index runs fastest.
            for (var d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) { at += strides[d]; break; }
                at -= (shape[d] - 1) * strides[d];
                index[d] = 0;
            }
        }
    }
}
