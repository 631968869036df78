namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The hex view's selection: an anchor where it began and a caret that moves (click, arrows,
/// Page Up/Down); shift keeps the anchor, so the range grows or shrinks from it, as text editors
/// and hex editors do. Both always lie in [0, Length).
/// </summary>
public sealed class HexSelection
{
    public long Length { get; private set; }
    public long Anchor { get; private set; }
    public long Caret { get; private set; }

    /// <summary>The range's first byte: what the value inspector reads.</summary>
    public long Start => Math.Min(Anchor, Caret);
    /// <summary>One past the range's last byte.</summary>
    public long End => Math.Max(Anchor, Caret) + 1;
    public long Count => End - Start;

    public bool Contains(long offset) => offset >= Start && offset < End;

    /// <summary>A new buffer, or a byte chosen elsewhere (the element grid, a jump): one byte selected.</summary>
    public void Reset(long length, long at)
    {
        Length = length;
        Anchor = Caret = Clamp(at);
    }

    /// <summary>Selects [start, start + count): a search match, caret on its last byte.</summary>
    public void Range(long start, long count)
    {
        Anchor = Clamp(start);
        Caret = Clamp(start + Math.Max(1, count) - 1);
    }

    public void Click(long at, bool extend)
    {
        Caret = Clamp(at);
        if (!extend)
            Anchor = Caret;
    }

    /// <summary>
    /// Moves the caret for a key (the DOM's KeyboardEvent.key); false for keys that do not move
    /// it. Up and down go by a row, Page Up/Down by a screen, Home/End to the row's ends
    /// (with Ctrl, the buffer's).
    /// </summary>
    public bool Key(string key, bool shift, bool ctrl, int bytesPerRow, int rowsPerPage)
    {
        long? to = key switch
        {
            "ArrowLeft" => Caret - 1,
            "ArrowRight" => Caret + 1,
            "ArrowUp" => Caret - bytesPerRow,
            "ArrowDown" => Caret + bytesPerRow,
            "PageUp" => Caret - (long)bytesPerRow * rowsPerPage,
            "PageDown" => Caret + (long)bytesPerRow * rowsPerPage,
            "Home" => ctrl ? 0 : Caret - Caret % bytesPerRow,
            "End" => ctrl ? Length - 1 : Caret - Caret % bytesPerRow + bytesPerRow - 1,
            _ => null,
        };
        if (to is null)
            return false;
        // A row up from the first row (or down from the last) stays in its column rather than
        // jumping to the buffer's end: no move at all, as hex editors do.
        if (key is "ArrowUp" or "ArrowDown" && (to < 0 || to >= Length))
            to = Caret;
        Click(to.Value, shift);
        return true;
    }

    private long Clamp(long at) => Length == 0 ? 0 : Math.Clamp(at, 0, Length - 1);
}
