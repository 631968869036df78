using System.Buffers.Binary;
using System.Globalization;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// One item of a buffer read and written through its own struct format, as <c>struct.unpack</c>
/// and <c>struct.pack</c> would: integers exact (no trip through double), floats in repr style,
/// '?' as True/False, 'c' as a one-byte bytes literal.
/// </summary>
public static class ElementCodec
{
    public static string Read(StructFormat format, ReadOnlySpan<byte> item)
    {
        var le = format.IsLittleEndian;
        var c = CultureInfo.InvariantCulture;
        switch (format.Code)
        {
            case '?': return item[0] != 0 ? "True" : "False";
            case 'c': return item[0] is >= 0x20 and < 0x7f and not (byte)'\\' and not (byte)'\'' ? $"b'{(char)item[0]}'" : $"b'\\x{item[0]:x2}'";
            case 'e' or 'f' or 'd':
                return ValueDecoder.Decode(item, format.ItemSize switch { 2 => "float16", 4 => "float32", _ => "float64" }, le)!;
        }
        if (format.IsSigned)
        {
            long v = format.ItemSize switch
            {
                1 => (sbyte)item[0],
                2 => le ? BinaryPrimitives.ReadInt16LittleEndian(item) : BinaryPrimitives.ReadInt16BigEndian(item),
                4 => le ? BinaryPrimitives.ReadInt32LittleEndian(item) : BinaryPrimitives.ReadInt32BigEndian(item),
                _ => le ? BinaryPrimitives.ReadInt64LittleEndian(item) : BinaryPrimitives.ReadInt64BigEndian(item),
            };
            return v.ToString(c);
        }
        ulong u = format.ItemSize switch
        {
            1 => item[0],
            2 => le ? BinaryPrimitives.ReadUInt16LittleEndian(item) : BinaryPrimitives.ReadUInt16BigEndian(item),
            4 => le ? BinaryPrimitives.ReadUInt32LittleEndian(item) : BinaryPrimitives.ReadUInt32BigEndian(item),
            _ => le ? BinaryPrimitives.ReadUInt64LittleEndian(item) : BinaryPrimitives.ReadUInt64BigEndian(item),
        };
        return format.Code == 'P' ? $"0x{u:x}" : u.ToString(c);
    }

    /// <summary>The item as a number for pictures (bool 0/1, char its byte), NaN kept.</summary>
    public static double ReadNumber(StructFormat format, ReadOnlySpan<byte> item) => format.Code switch
    {
        '?' or 'c' => item[0],
        _ => format.Read(item),
    };

    /// <summary>
    /// Parses <paramref name="text"/> as the format's value and returns its bytes, or an error
    /// naming what is allowed. Integers must fit the type, as struct.pack insists.
    /// </summary>
    public static (byte[]? Bytes, string? Error) Parse(StructFormat format, string text)
    {
        text = text.Trim();
        var bytes = new byte[format.ItemSize];
        var c = CultureInfo.InvariantCulture;
        switch (format.Code)
        {
            case '?':
                if (text is "True" or "true" or "1") bytes[0] = 1;
                else if (text is not ("False" or "false" or "0")) return (null, "a '?' item is True or False (or 1, 0)");
                return (bytes, null);
            case 'c':
                if (text.Length == 1 && text[0] < 0x80) { bytes[0] = (byte)text[0]; return (bytes, null); }
                if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && byte.TryParse(text[2..], NumberStyles.HexNumber, c, out var hex)) { bytes[0] = hex; return (bytes, null); }
                return (null, "a 'c' item is one ASCII character or a byte as 0x00–0xff");
            case 'e' or 'f' or 'd':
                if (!double.TryParse(text, NumberStyles.Float, c, out var d) && !TryNamed(text, out d))
                    return (null, $"'{text}' is not a number; floats look like 1.5, -2e-3, nan, inf");
                format.Write(bytes, d);
                return (bytes, null);
        }
        var bits = format.ItemSize * 8;
        long min = format.IsSigned ? (bits == 64 ? long.MinValue : -(1L << (bits - 1))) : 0;
        ulong max = format.IsSigned ? (bits == 64 ? long.MaxValue : (1UL << (bits - 1)) - 1) : (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1);
        var hexadecimal = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (hexadecimal && ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, c, out var h) && h <= max)
            return (Pack(format, h), null);
        if (!hexadecimal && format.IsSigned && long.TryParse(text, NumberStyles.AllowLeadingSign, c, out var l) && l >= min && (l < 0 || (ulong)l <= max))
            return (Pack(format, unchecked((ulong)l)), null);
        if (!hexadecimal && !format.IsSigned && ulong.TryParse(text, NumberStyles.None, c, out var u) && u <= max)
            return (Pack(format, u), null);
        return (null, $"'{text}' is not a '{format.Code}' value: whole numbers from {min} to {max}");
    }

    private static bool TryNamed(string text, out double value)
    {
        value = text.ToLowerInvariant() switch { "nan" => double.NaN, "inf" or "+inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, _ => 0 };
        return text.ToLowerInvariant() is "nan" or "inf" or "+inf" or "-inf";
    }

    private static byte[] Pack(StructFormat format, ulong value)
    {
        var bytes = new byte[format.ItemSize];
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = (byte)(value >> (8 * i));
            bytes[format.IsLittleEndian ? i : bytes.Length - 1 - i] = b;
        }
        return bytes;
    }
}
