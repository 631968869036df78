using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The value inspector's rows: the bytes at the selection read as each fixed-size C type, in both
/// byte orders, through the one item codec (so a row reads what struct.unpack reads). A type that
/// would run past the bytes available reads as null, never as a value made up from fewer bytes.
/// </summary>
public static class InspectorTypes
{
    /// <summary>The types the inspector shows, in the order it shows them, with their struct codes.</summary>
    public static readonly IReadOnlyList<(string Name, char Code)> All =
    [
        ("int8", 'b'), ("uint8", 'B'), ("int16", 'h'), ("uint16", 'H'), ("int32", 'i'), ("uint32", 'I'),
        ("int64", 'q'), ("uint64", 'Q'), ("float16", 'e'), ("float32", 'f'), ("float64", 'd'),
    ];

    private static readonly Dictionary<(char, bool), StructFormat> s_formats = All
        .SelectMany(t => new[] { true, false }.Select(little => (t.Code, little)))
        .ToDictionary(k => k, k => StructFormat.Parse((k.little ? "<" : ">") + k.Code));

    /// <summary>The value of the type with struct code <paramref name="code"/> at the start of <paramref name="bytes"/>, or null when too few bytes.</summary>
    public static string? Read(ReadOnlySpan<byte> bytes, char code, bool littleEndian)
    {
        if (!s_formats.TryGetValue((code, littleEndian), out var format))
            throw new ArgumentException($"'{code}' is not an inspector type; known: {string.Join(", ", All.Select(t => $"{t.Code} ({t.Name})"))}", nameof(code));
        return bytes.Length < format.ItemSize ? null : ItemCodec.Text(format, bytes[..format.ItemSize]);
    }

    /// <summary>How wide the type is: one byte has no byte order to show.</summary>
    public static int SizeOf(char code) => s_formats[(code, true)].ItemSize;
}
