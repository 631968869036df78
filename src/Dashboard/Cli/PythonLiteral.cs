using System.Globalization;
using System.Text;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// Text as Python source: a string literal that reads back as the same string, and comment lines
/// that cannot end the comment or make the file invalid (a NUL byte, a lone CR or a form feed would).
/// </summary>
public static class PythonLiteral
{
    /// <summary>A double-quoted literal; None for null.</summary>
    public static string Of(string? text)
    {
        if (text is null)
            return "None";
        var literal = new StringBuilder("\"");
        // By rune, so a character beyond the BMP is one \U escape (two \u escapes would be two lone surrogates in Python).
        foreach (var rune in text.EnumerateRunes())
            literal.Append(rune.Value switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                // Everything else beyond printable ASCII escaped: the literal reads the same whatever the file's encoding is taken for.
                < ' ' or (> '~' and <= 0xff) => "\\x" + rune.Value.ToString("x2", CultureInfo.InvariantCulture),
                > '~' and <= 0xffff => "\\u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture),
                > 0xffff => "\\U" + rune.Value.ToString("x8", CultureInfo.InvariantCulture),
                _ => rune.ToString(),
            });
        return literal.Append('"').ToString();
    }

    /// <summary>Each line of <paramref name="text"/> as a comment with <paramref name="indent"/> before its '#'.</summary>
    public static string Comment(string text, string indent = "")
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var comment = new StringBuilder();
        foreach (var line in lines)
        {
            comment.Append(indent).Append('#');
            if (line.Length > 0)
                comment.Append(' ');
            foreach (var rune in line.EnumerateRunes())
                comment.Append(rune.Value is '\t' or (>= ' ' and not 0x7f) ? rune.ToString() : "\\x" + rune.Value.ToString("x2", CultureInfo.InvariantCulture));
            comment.Append('\n');
        }
        return comment.ToString();
    }
}
