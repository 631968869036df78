namespace Bufferscope.Core.Buffers;

/// <summary>
/// How items sit in an allocation: format, shape, strides and the byte offset of item [0, ..., 0].
/// Validated once on creation: rank 0..64, no negative extent, no overflow, every item inside
/// the allocation (strides may be negative). Contiguity follows CPython's PyBuffer_IsContiguous,
/// so a buffer with no items is both C and Fortran contiguous.
/// </summary>
public sealed class BufferLayout
{
    public const int MaxRank = 64;

    public StructFormat Format { get; }
    public IReadOnlyList<long> Shape => _shape;
    public IReadOnlyList<long> Strides => _strides;
    /// <summary>Byte offset of the first item (index [0, ..., 0]) in the allocation.</summary>
    public long Offset { get; }
    public int ItemSize => Format.ItemSize;
    public int Rank => _shape.Length;
    /// <summary>Number of items: the product of the shape.</summary>
    public long Count { get; }
    /// <summary>PEP 3118's len: Count x itemsize.</summary>
    public long NBytes => Count * ItemSize;
    /// <summary>The smallest allocation that holds every item.</summary>
    public long RequiredBytes { get; }
    public bool IsCContiguous { get; }
    public bool IsFContiguous { get; }
    /// <summary>"C", "F" or "strided" (explicit strides that are neither).</summary>
    public string Order { get; }

    private readonly long[] _shape;
    private readonly long[] _strides;

    private BufferLayout(StructFormat format, long[] shape, long[] strides, long offset, long count, long required, string order)
    {
        Format = format;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        Count = count;
        RequiredBytes = required;
        IsCContiguous = IsContiguous(shape, strides, format.ItemSize, count, fortran: false);
        IsFContiguous = IsContiguous(shape, strides, format.ItemSize, count, fortran: true);
        Order = order;
    }

    public long[] ShapeArray() => (long[])_shape.Clone();
    public long[] StridesArray() => (long[])_strides.Clone();

    /// <param name="order">"C" or "F" (any case); ignored when <paramref name="strides"/> are given.</param>
    public static BufferLayout Create(StructFormat format, IReadOnlyList<long>? shape, string? order = "C", IReadOnlyList<long>? strides = null, long offset = 0)
    {
        shape ??= [];
        if (shape.Count > MaxRank)
            throw new BufferSpecException("shape", $"shape has {Plural.Count(shape.Count, "dimension")}; at most {MaxRank} are allowed");
        long count = 1;
        for (var i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 0)
                throw new BufferSpecException("shape", $"shape[{i}] is {shape[i]}; every extent must be 0 or more");
            try { count = checked(count * shape[i]); }
            catch (OverflowException) { throw new BufferSpecException("shape", $"shape {Show(shape)} has more items than a 64-bit size can count"); }
        }
        try { _ = checked(count * format.ItemSize); }
        catch (OverflowException) { throw new BufferSpecException("shape", $"shape {Show(shape)} of {format.ItemSize}-byte items is more bytes than a 64-bit size can count"); }
        if (offset < 0)
            throw new BufferSpecException("offset", $"offset is {offset}; it must be 0 or more");

        long[] realStrides;
        string realOrder;
        if (strides is not null)
        {
            if (strides.Count != shape.Count)
                throw new BufferSpecException("strides", $"strides has {Plural.Count(strides.Count, "entry", "entries")} but shape has {Plural.Count(shape.Count, "dimension")}; give one stride per dimension");
            realStrides = [.. strides];
            realOrder = IsContiguous([.. shape], realStrides, format.ItemSize, count, fortran: false) ? "C"
                : IsContiguous([.. shape], realStrides, format.ItemSize, count, fortran: true) ? "F" : "strided";
        }
        else
        {
            realOrder = (order ?? "C").ToUpperInvariant() switch
            {
                "C" => "C",
                "F" => "F",
                _ => throw new BufferSpecException("order", $"order '{order}' is not allowed; use 'C' (row-major), 'F' (column-major) or give explicit strides"),
            };
            realStrides = ContiguousStrides(shape, format.ItemSize, realOrder == "F");
        }

        // Every item must lie inside the allocation: find the lowest and highest byte any index reaches.
        long low = offset, high = offset;
        if (count > 0)
        {
            try
            {
                for (var i = 0; i < shape.Count; i++)
                {
                    var reach = checked((shape[i] - 1) * realStrides[i]);
                    if (reach < 0) low = checked(low + reach); else high = checked(high + reach);
                }
                high = checked(high + format.ItemSize);
            }
            catch (OverflowException) { throw new BufferSpecException("strides", $"strides {Show(realStrides)} with shape {Show(shape)} reach beyond a 64-bit address range"); }
            if (low < 0)
                throw new BufferSpecException("strides", $"with offset {offset}, strides {Show(realStrides)} reach byte {low}, before the start of the allocation; raise offset to at least {offset - low}");
        }
        return new BufferLayout(format, [.. shape], realStrides, offset, count, high, realOrder);
    }

    /// <summary>Checks the layout fits an allocation of <paramref name="size"/> bytes.</summary>
    public void CheckFits(long size, string parameter)
    {
        if (RequiredBytes > size)
            throw new BufferSpecException(parameter, $"the layout needs {Plural.Count(RequiredBytes, "byte")} (offset {Offset}, shape {Show(_shape)}, strides {Show(_strides)}) but the memory has {size}");
    }

    public static long[] ContiguousStrides(IReadOnlyList<long> shape, int itemSize, bool fortran)
    {
        var strides = new long[shape.Count];
        long step = itemSize;
        for (var k = 0; k < shape.Count; k++)
        {
            var i = fortran ? k : shape.Count - 1 - k;
            strides[i] = step;
            // The plain product, as CPython computes it (_testbuffer, memoryview.cast): past a zero
            // extent the strides are 0. No item is reachable then, so any stride is in bounds.
            step = unchecked(step * shape[i]);
        }
        return strides;
    }

    /// <summary>PyBuffer_IsContiguous for 'C' or 'F': whether items of <paramref name="itemSize"/> bytes lie back to back in that order.</summary>
    public static bool IsContiguous(long[] shape, long[] strides, long itemSize, long count, bool fortran)
    {
        if (count == 0)
            return true;
        long expected = itemSize;
        for (var k = 0; k < shape.Length; k++)
        {
            var i = fortran ? k : shape.Length - 1 - k;
            if (shape[i] > 1 && strides[i] != expected)
                return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>Byte offset of the item at <paramref name="index"/> in the allocation.</summary>
    public long OffsetOf(ReadOnlySpan<long> index)
    {
        var at = Offset;
        for (var i = 0; i < index.Length; i++)
            at += index[i] * _strides[i];
        return at;
    }

    /// <summary>A shape or strides as Python prints a tuple: (4, 8), (4,), ().</summary>
    public static string Show(IReadOnlyList<long> values) => "(" + string.Join(", ", values) + (values.Count == 1 ? ",)" : ")");
}
