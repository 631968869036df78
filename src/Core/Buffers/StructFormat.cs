namespace Bufferscope.Core.Buffers;

/// <summary>
/// One struct-module item: an optional byte-order prefix and one type code, as PEP 3118's format
/// field carries it. Item sizes follow <c>struct.calcsize</c>: native mode (<c>@</c> or no prefix)
/// uses the C sizes of this platform (x86-64 Linux), standard mode (<c>= &lt; &gt; !</c>) the
/// fixed sizes, where <c>l</c>/<c>L</c> are 4 bytes.
/// </summary>
public sealed record StructFormat
{
    public const string Codes = "?bBhHiIlLqQnNefdcP";
    public const string Prefixes = "@=<>!";
    private const string NativeOnlyCodes = "nNP";

    public static readonly string Allowed =
        $"one struct item code from '{Codes}', optionally after one byte-order prefix from '{Prefixes}' " +
        "(n, N and P only with '@' or no prefix)";

    /// <summary>The format as given, handed to consumers unchanged.</summary>
    public string Text { get; }
    /// <summary>'@' when no prefix was given.</summary>
    public char ByteOrder { get; }
    public char Code { get; }
    public int ItemSize { get; }
    public bool IsLittleEndian => ByteOrder switch { '>' or '!' => false, _ => BitConverter.IsLittleEndian };
    public bool IsFloat => Code is 'e' or 'f' or 'd';
    public bool IsSigned => Code is 'b' or 'h' or 'i' or 'l' or 'q' or 'n';

    private StructFormat(string text, char byteOrder, char code, int itemSize) =>
        (Text, ByteOrder, Code, ItemSize) = (text, byteOrder, code, itemSize);

    public static StructFormat Parse(string? format)
    {
        if (string.IsNullOrEmpty(format))
            throw new BufferSpecException("format", $"format is empty; allowed: {Allowed}");
        var prefix = Prefixes.Contains(format[0]) ? format[0] : '\0';
        var body = prefix == '\0' ? format : format[1..];
        if (body.Length != 1 || !Codes.Contains(body[0]))
            throw new BufferSpecException("format", $"format '{format}' is not supported{Why(body)}; allowed: {Allowed}");
        var code = body[0];
        if (NativeOnlyCodes.Contains(code) && prefix is not ('\0' or '@'))
            throw new BufferSpecException("format", $"format '{format}': '{code}' exists only in native mode, with '@' or no prefix; allowed: {Allowed}");
        var native = prefix is '\0' or '@';
        return new StructFormat(format, prefix == '\0' ? '@' : prefix, code, SizeOf(code, native));
    }

    private static string Why(string body) => body switch
    {
        "" => " (a byte-order prefix needs a type code after it)",
        _ when body.Length > 1 => " (one item only: no repeat counts, no several codes, no T{...})",
        _ when body[0] is 'x' => " ('x' is padding, not an item)",
        _ when body[0] is 's' or 'p' => $" ('{body[0]}' is a byte string, not a single item)",
        _ => $" ('{body[0]}' is not a struct type code)",
    };

    private static int SizeOf(char code, bool native) => code switch
    {
        '?' or 'b' or 'B' or 'c' => 1,
        'h' or 'H' or 'e' => 2,
        'i' or 'I' or 'f' => 4,
        'l' or 'L' => native ? 8 : 4,
        'q' or 'Q' or 'n' or 'N' or 'd' or 'P' => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    public override string ToString() => Text;
}
