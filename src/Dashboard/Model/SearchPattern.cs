using System.Text;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// What the hex view's Find box means: hex bytes ("de ad be ef", "deadbeef", "0xde 0xad") or
/// text (found as its UTF-8 bytes). A pattern that is not what it claims to be is refused with
/// what is wrong and what is allowed, never searched for as something else.
/// </summary>
public static class SearchPattern
{
    /// <summary>Bytes one search looks for at most.</summary>
    public const int MaxBytes = 256;

    public static (byte[]? Bytes, string? Error) Parse(string? input, bool asText)
    {
        if (string.IsNullOrEmpty(input))
            return (null, asText ? "type the text to find" : "type the bytes to find, in hex: e.g. de ad be ef");
        var bytes = asText ? Encoding.UTF8.GetBytes(input) : null;
        if (!asText)
        {
            var (parsed, error) = ParseHex(input);
            if (error is not null)
                return (null, error);
            bytes = parsed!;
        }
        if (bytes!.Length > MaxBytes)
            return (null, $"{bytes.Length} bytes is more than one search looks for: at most {MaxBytes}");
        return (bytes, null);
    }

    private static (byte[]? Bytes, string? Error) ParseHex(string input)
    {
        const string allowed = "hex digits 0-9 and a-f, two per byte, optionally spaced or with 0x (e.g. de ad be ef)";
        var digits = new StringBuilder(input.Length);
        var groups = input.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (groups.Length == 0)
            return (null, $"type the bytes to find, as {allowed}");
        foreach (var group in groups)
        {
            var g = group.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? group[2..] : group;
            var bad = g.FirstOrDefault(c => !char.IsAsciiHexDigit(c));
            if (bad != default)
                return (null, $"'{bad}' in '{group}' is not a hex digit: use {allowed}, or switch to text");
            if (g.Length % 2 != 0)
                return (null, $"'{group}' has {g.Length} hex digits: each byte is two (0a, not a); use {allowed}");
            digits.Append(g);
        }
        return (Convert.FromHexString(digits.ToString()), null);
    }
}
