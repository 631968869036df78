using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Which element of a buffer each byte of a window belongs to, through the buffer's format,
/// shape, strides and offset: the hex view's byte map. Bytes no element uses (padding between
/// strided rows, the allocation before the offset) map to none; with overlapping strides (a
/// stride of 0, or smaller than the itemsize) one byte serves several elements, and
/// <see cref="UsersAt"/> says how many.
///
/// Cheap for the window only: the elements that touch [Start, Start + Length) are found by
/// narrowing one index range per dimension, never by walking the buffer. Dimensions are taken in
/// order of decreasing |stride|, so for C, Fortran, sliced and negative layouts (where each
/// stride spans the reach of the smaller ones) every index tried leads to a byte in the window.
/// Layouts that interleave (a stride smaller than the reach of the dimensions below it) may try
/// indices that lead nowhere; <see cref="MaxVisits"/> bounds that work and <see cref="Partial"/>
/// says when it ran out.
/// </summary>
public sealed class ByteMap
{
    /// <summary>Index ranges tried at most, whatever the layout: far more than a screen's bytes need.</summary>
    public const int MaxVisits = 1 << 16;
    /// <summary>Elements recorded at most (overlapping strides can put many on one byte).</summary>
    public const int MaxElements = 4096;

    private readonly int[] _element;
    private readonly int[] _users;

    public long Start { get; }
    public int Length { get; }
    public int ItemSize { get; }
    /// <summary>The elements with at least one byte in the window, in the order found.</summary>
    public IReadOnlyList<MappedElement> Elements { get; }
    /// <summary>True when a budget ran out: some bytes that an element uses may show as unused.</summary>
    public bool Partial { get; }
    /// <summary>Indices tried: the work done, which follows the window's elements, not the buffer's.</summary>
    public int Visits { get; }

    private ByteMap(long start, int length, int itemSize, List<MappedElement> elements, int[] element, int[] users, bool partial, int visits = 0)
    {
        Visits = visits;
        Start = start;
        Length = length;
        ItemSize = itemSize;
        Elements = elements;
        _element = element;
        _users = users;
        Partial = partial;
    }

    /// <summary>The element the byte at <paramref name="offset"/> belongs to (the first found, when several share it), or null.</summary>
    public MappedElement? ElementAt(long offset)
    {
        var i = offset - Start;
        return i >= 0 && i < Length && _element[i] >= 0 ? Elements[_element[i]] : null;
    }

    /// <summary>How many elements use the byte at <paramref name="offset"/> (0 outside the window).</summary>
    public int UsersAt(long offset)
    {
        var i = offset - Start;
        return i >= 0 && i < Length ? _users[i] : 0;
    }

    public static ByteMap Empty { get; } = new(0, 0, 1, [], [], [], false);

    /// <summary>The map of bytes [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>).</summary>
    public static ByteMap Compute(BufferLayout layout, long start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var element = new int[length];
        Array.Fill(element, -1);
        var users = new int[length];
        var elements = new List<MappedElement>();
        var itemSize = layout.ItemSize;
        var end = start + length;
        var partial = false;
        if (layout.Count == 0 || length == 0)
            return new ByteMap(start, length, itemSize, elements, element, users, false);

        var rank = layout.Rank;
        // Dimensions by decreasing |stride|: the outer ones pick few indices, the inner ones the
        // bytes within. rest[k] is the lowest and highest byte the dimensions after k reach.
        var dims = Enumerable.Range(0, rank).OrderByDescending(d => Math.Abs(layout.Strides[d])).ToArray();
        var restLow = new long[rank + 1];
        var restHigh = new long[rank + 1];
        for (var k = rank - 1; k >= 0; k--)
        {
            var reach = (layout.Shape[dims[k]] - 1) * layout.Strides[dims[k]];
            restLow[k] = restLow[k + 1] + Math.Min(0, reach);
            restHigh[k] = restHigh[k + 1] + Math.Max(0, reach);
        }
        var index = new long[rank];
        var visits = 0;

        void Visit(int k, long at)
        {
            if (partial)
                return;
            if (k == rank)
            {
                Add(at);
                return;
            }
            var d = dims[k];
            var (first, last) = Indices(layout.Shape[d], layout.Strides[d], at + restLow[k + 1], at + restHigh[k + 1] + itemSize, start, end);
            for (var i = first; i <= last; i++)
            {
                if (++visits > MaxVisits)
                {
                    partial = true;
                    return;
                }
                index[d] = i;
                Visit(k + 1, at + i * layout.Strides[d]);
                if (partial)
                    return;
            }
        }

        void Add(long at)
        {
            // Rank 0 reaches here without a dimension to narrow by: its one item may lie outside.
            if (at >= end || at + itemSize <= start)
                return;
            if (elements.Count == MaxElements)
            {
                partial = true;
                return;
            }
            var e = elements.Count;
            elements.Add(new MappedElement([.. index], at, itemSize));
            for (var b = Math.Max(at, start); b < Math.Min(at + itemSize, end); b++)
            {
                var i = (int)(b - start);
                if (element[i] < 0)
                    element[i] = e;
                users[i]++;
            }
        }

        Visit(0, layout.Offset);
        return new ByteMap(start, length, itemSize, elements, element, users, partial, visits);
    }

    /// <summary>
    /// The indices i in [0, extent) for which some byte of [low + i·stride, high + i·stride)
    /// lies in [start, end): the bytes the dimensions below can reach from index i.
    /// </summary>
    private static (long First, long Last) Indices(long extent, long stride, long low, long high, long start, long end)
    {
        long first, last;
        if (stride == 0)
            (first, last) = low < end && high > start ? (0, extent - 1) : (0, -1);
        else if (stride > 0)
            (first, last) = (FloorDiv(start - high, stride) + 1, CeilDiv(end - low, stride) - 1);
        else
            (first, last) = (FloorDiv(low - end, -stride) + 1, CeilDiv(high - start, -stride) - 1);
        return (Math.Max(first, 0), Math.Min(last, extent - 1));
    }

    private static long FloorDiv(long a, long b) => a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
}

/// <summary>One element of a <see cref="ByteMap"/>: its index (in the buffer's own dimension order) and its bytes.</summary>
public sealed record MappedElement(long[] Index, long Offset, int ItemSize)
{
    public long End => Offset + ItemSize;

    /// <summary>
    /// 0 or 1, alternating between elements one index step apart in any dimension (a checkerboard
    /// over the index space), so neighbours in memory always differ, whatever the strides.
    /// </summary>
    public int Parity => (int)(Index.Sum(i => i & 1) & 1);

    /// <summary>
    /// The row (second-to-last index) the element is in, 0 below rank 2: the hue of the map, so a
    /// Fortran buffer's rows show interleaved and a negative row stride shows rows reversed.
    /// </summary>
    public long Row => Index.Length >= 2 ? Index[^2] : 0;

    public override string ToString() => $"{ElementPage.ShowIndex(Index)} bytes [{Offset}, {End})";
}
