using System.Text;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>The hex view's "Copy as" formats: selected bytes as text another tool takes back unchanged.</summary>
public enum CopyFormat { Hex, CArray, PythonBytes, Base64, Numpy }

/// <summary>
/// Bytes written out as each <see cref="CopyFormat"/>. Every form reproduces the bytes exactly:
/// the Python literal and the numpy expression evaluate to them (tests check it in a kernel).
/// </summary>
public static class ByteCopy
{
    /// <summary>What one copy takes at most: past this, text on a clipboard stops being useful.</summary>
    public const int MaxBytes = 1 << 20;

    public static readonly IReadOnlyList<CopyFormat> Formats = Enum.GetValues<CopyFormat>();

    public static string Label(CopyFormat format) => format switch
    {
        CopyFormat.Hex => "Hex",
        CopyFormat.CArray => "C array",
        CopyFormat.PythonBytes => "Python bytes literal",
        CopyFormat.Base64 => "Base64",
        _ => "NumPy expression",
    };

    /// <param name="itemFormat">The buffer's format: the numpy expression reads whole items with its dtype.</param>
    public static string Write(CopyFormat format, ReadOnlySpan<byte> bytes, StructFormat itemFormat) => format switch
    {
        CopyFormat.Hex => Hex(bytes, " "),
        CopyFormat.CArray => CArray(bytes),
        CopyFormat.PythonBytes => PythonBytes(bytes),
        CopyFormat.Base64 => Convert.ToBase64String(bytes),
        _ => Numpy(bytes, itemFormat),
    };

    private static string Hex(ReadOnlySpan<byte> bytes, string separator)
    {
        var text = new StringBuilder(bytes.Length * (2 + separator.Length));
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0) text.Append(separator);
            text.Append(bytes[i].ToString("x2"));
        }
        return text.ToString();
    }

    /// <summary>A C initializer, 16 bytes a line, so a large selection pastes into a source file readably.</summary>
    private static string CArray(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder($"unsigned char data[{bytes.Length}] = {{");
        for (var i = 0; i < bytes.Length; i++)
        {
            text.Append(i % 16 == 0 ? (bytes.Length > 16 ? "\n    " : " ") : " ");
            text.Append("0x").Append(bytes[i].ToString("x2"));
            if (i < bytes.Length - 1) text.Append(',');
        }
        text.Append(bytes.Length > 16 ? "\n};" : " };");
        return text.ToString();
    }

    /// <summary>As Python's repr of bytes writes them, always in single quotes (a quote inside escaped).</summary>
    private static string PythonBytes(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("b'", bytes.Length * 4 + 3);
        foreach (var b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'\'' => "\\'",
                (byte)'\t' => "\\t",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        return text.Append('\'').ToString();
    }

    /// <summary>
    /// np.frombuffer over the bytes with the buffer's dtype when the selection is whole items,
    /// otherwise as uint8, so the expression never fails on a partial item.
    /// </summary>
    private static string Numpy(ReadOnlySpan<byte> bytes, StructFormat itemFormat)
    {
        var dtype = bytes.Length % itemFormat.ItemSize == 0 ? Dtype(itemFormat) : "u1";
        return $"np.frombuffer(bytes.fromhex('{Hex(bytes, "")}'), dtype='{dtype}')";
    }

    /// <summary>numpy's dtype string for one struct item: kind and size, with the byte order where it matters.</summary>
    public static string Dtype(StructFormat format)
    {
        var kind = format.Code switch
        {
            '?' => "?",
            'c' => "S1",
            'e' or 'f' or 'd' => "f",
            _ when format.IsSigned => "i",
            _ => "u",
        };
        if (kind is "?" or "S1")
            return kind;
        var order = format.ItemSize == 1 ? "|" : format.IsLittleEndian ? "<" : ">";
        return $"{order}{kind}{format.ItemSize}";
    }
}
