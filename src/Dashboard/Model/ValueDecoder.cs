using System.Buffers.Binary;
using System.Globalization;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The value inspector's arithmetic: the bytes at one offset read as every fixed-size C type, in
/// both byte orders. A type that would run past the bytes available reads as null, never as a
/// value made up from fewer bytes.
/// </summary>
public static class ValueDecoder
{
    /// <summary>The types the inspector shows, in the order it shows them.</summary>
    public static readonly IReadOnlyList<(string Name, int Size)> Types =
    [
        ("int8", 1), ("uint8", 1), ("int16", 2), ("uint16", 2), ("int32", 4), ("uint32", 4),
        ("int64", 8), ("uint64", 8), ("float16", 2), ("float32", 4), ("float64", 8),
    ];

    /// <summary>The value of <paramref name="type"/> at the start of <paramref name="bytes"/>, or null when too few bytes.</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes, string type, bool littleEndian)
    {
        var size = Types.FirstOrDefault(t => t.Name == type).Size;
        if (size == 0)
            throw new ArgumentException($"unknown type '{type}'; known: {string.Join(", ", Types.Select(t => t.Name))}", nameof(type));
        if (bytes.Length < size)
            return null;
        var b = bytes[..size];
        var c = CultureInfo.InvariantCulture;
        return type switch
        {
            "int8" => ((sbyte)b[0]).ToString(c),
            "uint8" => b[0].ToString(c),
            "int16" => (littleEndian ? BinaryPrimitives.ReadInt16LittleEndian(b) : BinaryPrimitives.ReadInt16BigEndian(b)).ToString(c),
            "uint16" => (littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b)).ToString(c),
            "int32" => (littleEndian ? BinaryPrimitives.ReadInt32LittleEndian(b) : BinaryPrimitives.ReadInt32BigEndian(b)).ToString(c),
            "uint32" => (littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b)).ToString(c),
            "int64" => (littleEndian ? BinaryPrimitives.ReadInt64LittleEndian(b) : BinaryPrimitives.ReadInt64BigEndian(b)).ToString(c),
            "uint64" => (littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b)).ToString(c),
            "float16" => Show((double)(littleEndian ? BinaryPrimitives.ReadHalfLittleEndian(b) : BinaryPrimitives.ReadHalfBigEndian(b))),
            "float32" => Show(littleEndian ? BinaryPrimitives.ReadSingleLittleEndian(b) : BinaryPrimitives.ReadSingleBigEndian(b)),
            _ => Show(littleEndian ? BinaryPrimitives.ReadDoubleLittleEndian(b) : BinaryPrimitives.ReadDoubleBigEndian(b)),
        };
    }

    /// <summary>Python's repr style: shortest round-trip, nan, inf.</summary>
    public static string Show(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e'),
    };

    /// <summary>A float32 as its shortest round-trip text (numpy's style), not widened to double's digits.</summary>
    public static string Show(float value) => float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e') : Show((double)value);
}
