using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Checks;

/// <summary>
/// The simpler layouts to try in place of one that fails, simplest first: a lower rank, smaller
/// extents, C then Fortran order, strides made positive, no offset beyond what negative strides
/// need, native byte order, then writable memory, then 'B' items. The checker keeps the first that fails the same way and
/// asks again, until none does: what is left is the smallest case it found.
/// </summary>
public static class Shrinker
{
    public static IEnumerable<CaseLayout> Candidates(CaseLayout c)
    {
        var seen = new List<CaseLayout>();
        foreach (var candidate in Raw(c))
        {
            if (candidate.SameAs(c) || seen.Any(candidate.SameAs) || !Valid(candidate))
                continue;
            seen.Add(candidate);
            yield return candidate;
        }
    }

    private static IEnumerable<CaseLayout> Raw(CaseLayout c)
    {
        var extra = c.Offset - Needed(c.Shape, c.Strides);
        for (var i = 0; i < c.Rank; i++)
            yield return Rebase(c with { Shape = Without(c.Shape, i), Strides = Without(c.Strides, i) }, extra);
        for (var i = 0; i < c.Rank; i++)
        {
            var extent = c.Shape[i];
            foreach (var smaller in new[] { 1, extent / 2, extent - 1 }.Where(e => e >= 1 && e < extent).Distinct())
                yield return Rebase(c with { Shape = With(c.Shape, i, smaller) }, extra);
        }
        var itemSize = StructFormat.Parse(c.Format).ItemSize;
        yield return c with { Strides = BufferLayout.ContiguousStrides(c.Shape, itemSize, false), Offset = extra };
        yield return c with { Strides = BufferLayout.ContiguousStrides(c.Shape, itemSize, true), Offset = extra };
        // The same directions with no gaps: C-order magnitudes, each stride's own sign.
        var compact = BufferLayout.ContiguousStrides(c.Shape, itemSize, false);
        yield return Rebase(c with { Strides = [.. compact.Select((s, i) => c.Strides[i] < 0 ? -s : s)] }, extra);
        for (var i = 0; i < c.Rank; i++)
            if (c.Strides[i] < 0)
                yield return Rebase(c with { Strides = With(c.Strides, i, -c.Strides[i]) }, extra);
        if (extra != 0)
            yield return Rebase(c, 0);
        if (c.Readonly)
            yield return c with { Readonly = false };
        var format = StructFormat.Parse(c.Format);
        if (format.ByteOrder != '@' && StructFormat.Parse(format.Code.ToString()).ItemSize == itemSize)
            yield return c with { Format = format.Code.ToString() };
        if (c.Format != "B" && c.Strides.All(s => s % itemSize == 0) && c.Offset % itemSize == 0)
            yield return c with { Format = "B", Strides = [.. c.Strides.Select(s => s / itemSize)], Offset = c.Offset / itemSize };
    }

    /// <summary>The offset negative strides need to keep every item at or after the start.</summary>
    private static long Needed(long[] shape, long[] strides)
    {
        long needed = 0;
        for (var i = 0; i < shape.Length; i++)
            if (strides[i] < 0 && shape[i] > 0)
                needed += -strides[i] * (shape[i] - 1);
        return needed;
    }

    private static CaseLayout Rebase(CaseLayout c, long extra) => c with { Offset = Needed(c.Shape, c.Strides) + Math.Max(0, extra) };

    private static long[] Without(long[] values, int i) => [.. values[..i], .. values[(i + 1)..]];
    private static long[] With(long[] values, int i, long value) { var copy = (long[])values.Clone(); copy[i] = value; return copy; }

    private static bool Valid(CaseLayout c)
    {
        try { c.ToBufferLayout(); return true; }
        catch (BufferSpecException) { return false; }
    }
}
