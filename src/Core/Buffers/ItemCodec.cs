using System.Globalization;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// The one reader and writer of items: the bytes of one item of a <see cref="StructFormat"/> to
/// the value <c>struct.unpack</c> gives and back as <c>struct.pack</c> makes it. Everything that
/// shows or writes an item goes through here: the value inspector, the element grid, the picture,
/// the fills of the API. Its rules, checked against <c>struct</c> for every format and byte order:
/// <list type="bullet">
/// <item>integers exact, as Python ints (never through a double), pointers ('P') in hex;</item>
/// <item>floats (e, f, d) widened to a Python float and shown as <c>repr</c> shows it, so an 'f'
/// item holding 0.1 reads 0.10000000149011612, as memoryview and struct read it;</item>
/// <item>'?' is True for any non-zero byte; 'c' is a one-byte bytes literal.</item>
/// </list>
/// </summary>
public static class ItemCodec
{
    /// <summary>The item's value as <c>repr(struct.unpack(format, item)[0])</c> writes it ('P' as <c>hex()</c>).</summary>
    public static string Text(StructFormat format, ReadOnlySpan<byte> item)
    {
        var bits = Bits(format, item);
        return format.Code switch
        {
            '?' => bits != 0 ? "True" : "False",
            'c' => BytesRepr((byte)bits),
            'e' or 'f' or 'd' => Repr(Float(format, bits)),
            'P' => $"0x{bits:x}",
            _ when format.IsSigned => Signed(format, bits).ToString(CultureInfo.InvariantCulture),
            _ => bits.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The item as a number, for pictures and sums: '?' is 0 or 1, 'c' its byte, integers above 2^53 the nearest double.</summary>
    public static double Number(StructFormat format, ReadOnlySpan<byte> item)
    {
        var bits = Bits(format, item);
        return format.Code switch
        {
            '?' => bits != 0 ? 1 : 0,
            'e' or 'f' or 'd' => Float(format, bits),
            _ when format.IsSigned => Signed(format, bits),
            _ => bits,
        };
    }

    /// <summary>Writes <paramref name="value"/> as one item, as the fills do: integers wrap, '?' is value != 0.</summary>
    public static void Write(StructFormat format, Span<byte> item, double value)
    {
        ulong bits = format.Code switch
        {
            'e' => BitConverter.HalfToUInt16Bits((Half)value),
            'f' => BitConverter.SingleToUInt32Bits((float)value),
            'd' => BitConverter.DoubleToUInt64Bits(value),
            '?' => value != 0 ? 1UL : 0UL,
            _ => unchecked((ulong)(long)value),
        };
        Store(format, item, bits);
    }

    /// <summary>
    /// The bytes of <paramref name="text"/> as an item of <paramref name="format"/>, or an error saying
    /// what is allowed. Integers must fit the type, as <c>struct.pack</c> insists; floats round as
    /// <c>struct.pack</c> rounds them.
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
                if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length <= 4 && byte.TryParse(text[2..], NumberStyles.HexNumber, c, out var hex)) { bytes[0] = hex; return (bytes, null); }
                if (TryBytesLiteral(text, out var literal)) { bytes[0] = literal; return (bytes, null); }
                return (null, "a 'c' item is one ASCII character, a byte as 0x00–0xff, or a one-byte literal such as b'a' or b'\\x00'");
            case 'e' or 'f' or 'd':
                if (!double.TryParse(text, NumberStyles.Float, c, out var d) && !TryNamed(text, out d))
                    return (null, $"'{text}' is not a number; floats look like 1.5, -2e-3, nan, inf");
                Write(format, bytes, d);
                if (double.IsFinite(d) && !double.IsFinite(Number(format, bytes)))
                    return (null, $"'{text}' is too large for a '{format.Code}' item: at most ±{Repr(Float(format, format.ItemSize == 2 ? 0x7bffUL : 0x7f7fffffUL))}");
                return (bytes, null);
        }
        var width = format.ItemSize * 8;
        long min = format.IsSigned ? (width == 64 ? long.MinValue : -(1L << (width - 1))) : 0;
        ulong max = format.IsSigned ? (width == 64 ? long.MaxValue : (1UL << (width - 1)) - 1) : (width == 64 ? ulong.MaxValue : (1UL << width) - 1);
        var hexadecimal = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (hexadecimal && ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, c, out var h) && h <= max)
            return (Stored(format, h), null);
        if (!hexadecimal && format.IsSigned && long.TryParse(text, NumberStyles.AllowLeadingSign, c, out var l) && l >= min && (l < 0 || (ulong)l <= max))
            return (Stored(format, unchecked((ulong)l)), null);
        if (!hexadecimal && !format.IsSigned && ulong.TryParse(text, NumberStyles.None, c, out var u) && u <= max)
            return (Stored(format, u), null);
        return (null, $"'{text}' is not a '{format.Code}' value: whole numbers from {min} to {max}");
    }

    /// <summary>
    /// A Python float as <c>repr</c> writes it: the shortest digits that read back to the same
    /// double, fixed-point from 1e-4 up to 1e16 with at least one digit after the point, otherwise
    /// an exponent of at least two digits (1e-05, 1e+16); nan, inf, -inf, -0.0.
    /// </summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        // .NET's "E16" is not the shortest; "R" is, as d.ddddE+xx once forced into exponent form.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var sign = shortest.StartsWith('-') ? "-" : "";
        var (digits, exponent) = Decompose(shortest.TrimStart('-'));
        // Python's float_repr_style 'short': decpt is the exponent of 0.DIGITS x 10^decpt.
        var decpt = exponent + 1;
        if (decpt is > -4 and <= 16)
        {
            if (decpt <= 0)
                return $"{sign}0.{new string('0', -decpt)}{digits}";
            if (decpt >= digits.Length)
                return $"{sign}{digits}{new string('0', decpt - digits.Length)}.0";
            return $"{sign}{digits[..decpt]}.{digits[decpt..]}";
        }
        var mantissa = digits.Length == 1 ? digits : $"{digits[0]}.{digits[1..]}";
        var e = decpt - 1;
        return $"{sign}{mantissa}e{(e < 0 ? '-' : '+')}{Math.Abs(e):00}";
    }

    /// <summary>"123.45" or "1.2345E+102" to its significant digits and the power of ten of the first ("12345", 2).</summary>
    private static (string Digits, int Exponent) Decompose(string text)
    {
        var e = text.IndexOfAny(['E', 'e']);
        var exponent = e >= 0 ? int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var mantissa = e >= 0 ? text[..e] : text;
        var point = mantissa.IndexOf('.');
        var whole = point >= 0 ? mantissa[..point] : mantissa;
        var all = whole + (point >= 0 ? mantissa[(point + 1)..] : "");
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        if (digits.Length == 0)
            return ("0", 0);
        return (digits, exponent + whole.Length - 1 - leadingZeros);
    }

    /// <summary>repr() of a one-byte bytes object: b'a', b'\x00', b'\n', b"'", b'\\'.</summary>
    private static string BytesRepr(byte b) => b switch
    {
        (byte)'\'' => "b\"'\"",
        (byte)'\\' => @"b'\\'",
        (byte)'\t' => @"b'\t'",
        (byte)'\n' => @"b'\n'",
        (byte)'\r' => @"b'\r'",
        >= 0x20 and < 0x7f => $"b'{(char)b}'",
        _ => $@"b'\x{b:x2}'",
    };

    /// <summary>A one-byte bytes literal as <see cref="BytesRepr"/> writes it (\xhh with either case of hex digit), so a shown 'c' item can be written back as shown.</summary>
    private static bool TryBytesLiteral(string text, out byte value)
    {
        value = 0;
        if (text.Length < 4 || text[0] != 'b' || text[1] is not ('\'' or '"') || text[^1] != text[1])
            return false;
        var body = text[2..^1];
        if (body.Length == 1 && body[0] is >= ' ' and < (char)0x7f and not '\\')
        {
            value = (byte)body[0];
            return true;
        }
        switch (body)
        {
            case @"\\": value = (byte)'\\'; return true;
            case @"\'": value = (byte)'\''; return true;
            case "\\\"": value = (byte)'"'; return true;
            case @"\t": value = (byte)'\t'; return true;
            case @"\n": value = (byte)'\n'; return true;
            case @"\r": value = (byte)'\r'; return true;
        }
        return body.Length == 4 && body.StartsWith(@"\x", StringComparison.Ordinal)
            && byte.TryParse(body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The item's bytes as one unsigned number, in the format's byte order.</summary>
    private static ulong Bits(StructFormat format, ReadOnlySpan<byte> item)
    {
        if (item.Length < format.ItemSize)
            throw new ArgumentException($"an item of '{format.Text}' is {format.ItemSize} bytes; {item.Length} given", nameof(item));
        ulong bits = 0;
        var little = format.IsLittleEndian;
        for (var i = 0; i < format.ItemSize; i++)
            bits |= (ulong)item[little ? i : format.ItemSize - 1 - i] << (8 * i);
        return bits;
    }

    private static void Store(StructFormat format, Span<byte> item, ulong bits)
    {
        var little = format.IsLittleEndian;
        for (var i = 0; i < format.ItemSize; i++)
            item[little ? i : format.ItemSize - 1 - i] = (byte)(bits >> (8 * i));
    }

    private static byte[] Stored(StructFormat format, ulong bits)
    {
        var bytes = new byte[format.ItemSize];
        Store(format, bytes, bits);
        return bytes;
    }

    private static double Float(StructFormat format, ulong bits) => format.ItemSize switch
    {
        2 => (double)BitConverter.UInt16BitsToHalf((ushort)bits),
        4 => BitConverter.UInt32BitsToSingle((uint)bits),
        _ => BitConverter.UInt64BitsToDouble(bits),
    };

    private static long Signed(StructFormat format, ulong bits) => format.ItemSize switch
    {
        1 => (sbyte)bits,
        2 => (short)bits,
        4 => (int)bits,
        _ => (long)bits,
    };

    private static bool TryNamed(string text, out double value)
    {
        value = text.ToLowerInvariant() switch { "nan" => double.NaN, "inf" or "+inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, _ => 0 };
        return text.ToLowerInvariant() is "nan" or "inf" or "+inf" or "-inf";
    }
}
