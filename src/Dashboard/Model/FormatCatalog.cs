using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>The struct codes and byte-order prefixes the format picker lists, with their C types and sizes.</summary>
public static class FormatCatalog
{
    public sealed record TypeCode(char Code, string CType, string Meaning);
    public sealed record ByteOrder(string Prefix, string Name, string Sizes)
    {
        /// <summary>A select needs a non-empty value: "none" stands for no prefix.</summary>
        public string Key => Prefix.Length == 0 ? NoPrefix : Prefix;
    }

    public const string NoPrefix = "none";

    public static string PrefixOf(string key) => key == NoPrefix ? "" : key;

    public static readonly IReadOnlyList<TypeCode> Codes =
    [
        new('?', "_Bool", "bool"),
        new('b', "signed char", "int8"),
        new('B', "unsigned char", "uint8"),
        new('h', "short", "int16"),
        new('H', "unsigned short", "uint16"),
        new('i', "int", "int32"),
        new('I', "unsigned int", "uint32"),
        new('l', "long", "int64 native, int32 standard"),
        new('L', "unsigned long", "uint64 native, uint32 standard"),
        new('q', "long long", "int64"),
        new('Q', "unsigned long long", "uint64"),
        new('n', "ssize_t", "signed size"),
        new('N', "size_t", "size"),
        new('e', "(IEEE half)", "float16"),
        new('f', "float", "float32"),
        new('d', "double", "float64"),
        new('c', "char", "bytes of length 1"),
        new('P', "void *", "pointer"),
    ];

    /// <summary>Names short enough for a select 200 px wide; what each means in full is in <see cref="ByteOrder.Sizes"/>.</summary>
    public static readonly IReadOnlyList<ByteOrder> Orders =
    [
        new("", "none: native", "native sizes and alignment"),
        new("@", "@ native", "native sizes and alignment"),
        new("=", "= native order", "standard sizes"),
        new("<", "< little-endian", "standard sizes"),
        new(">", "> big-endian", "standard sizes"),
        new("!", "! network (big-endian)", "standard sizes"),
    ];

    public static ByteOrder OrderOf(string key) => Orders.First(o => o.Key == key);

    /// <summary>Whether struct takes <paramref name="code"/> after <paramref name="prefix"/> (n, N and P are native only).</summary>
    public static bool Allows(string prefix, char code) => ItemSize(prefix, code) is not null;

    /// <summary>The item size of <paramref name="code"/> after <paramref name="prefix"/>, or null when the pair is not allowed.</summary>
    public static int? ItemSize(string prefix, char code)
    {
        try { return StructFormat.Parse(prefix + code).ItemSize; }
        catch (BufferSpecException) { return null; }
    }
}
