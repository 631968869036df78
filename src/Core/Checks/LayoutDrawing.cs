using System.Text;

namespace Bufferscope.Core.Checks;

/// <summary>
/// A layout drawn as its elements over its bytes, in text (a finding's <c>drawing</c>, the CLI's
/// summary): one letter per byte naming the element that byte belongs to, '.' for a byte no
/// element covers, and a legend giving each letter's index. What a shrunk case is, at a glance:
/// <code>
/// byte     0         1
///          0123456789012345
/// element  bbbbbbbbaaaaaaaa
/// a = [0] at byte 8, b = [1] at byte 0
/// </code>
/// </summary>
public static class LayoutDrawing
{
    /// <summary>Layouts longer than this are not drawn byte by byte.</summary>
    public const int MaxBytes = 128;
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static string Text(CaseLayout layout)
    {
        var buffer = layout.ToBufferLayout();
        var size = buffer.RequiredBytes;
        if (layout.Count == 0)
            return $"no elements (shape {Buffers.BufferLayout.Show(layout.Shape)}): nothing is read";
        if (size > MaxBytes || layout.Count > Letters.Length)
            return $"{layout.Count} elements over {size} bytes: too many to draw";
        var cells = Enumerable.Repeat('.', (int)size).ToArray();
        var legend = new List<string>();
        var index = new long[layout.Rank];
        for (var k = 0; k < layout.Count; k++)
        {
            var at = buffer.OffsetOf(index);
            for (var b = 0; b < buffer.ItemSize; b++)
                cells[at + b] = Letters[k];
            legend.Add($"{Letters[k]} = [{string.Join(", ", index)}] at byte {at}");
            for (var d = layout.Rank - 1; d >= 0; d--)
            {
                if (++index[d] < layout.Shape[d]) break;
                index[d] = 0;
            }
        }
        var tens = new StringBuilder("byte     ");
        var ones = new StringBuilder("         ");
        for (var b = 0; b < size; b++)
        {
            tens.Append(b % 10 == 0 ? (char)('0' + b / 10 % 10) : ' ');
            ones.Append((char)('0' + b % 10));
        }
        return $"{tens.ToString().TrimEnd()}\n{ones}\nelement  {new string(cells)}\n{string.Join(", ", legend)}";
    }
}
