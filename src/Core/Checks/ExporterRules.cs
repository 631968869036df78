using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Checks;

/// <summary>
/// Judges one exporter's answer to one request by PEP 3118's rules, as CPython's reference
/// exporter (_testbuffer.ndarray) applies them to the same layout (<see cref="BufferRequest"/>):
/// the memory is what the exporter's fullest answer describes, and then
/// <list type="bullet">
/// <item>a request it must refuse (WRITABLE on read-only memory, a contiguity it lacks, no
///       STRIDES on memory that is not C-contiguous) is refused, with <c>obj</c> left NULL;</item>
/// <item>an answer fills exactly the fields asked for: shape with ND, strides with STRIDES,
///       format with FORMAT, suboffsets only with INDIRECT;</item>
/// <item>what it fills agrees: len = itemsize × product(shape), the format's size is the itemsize,
///       the view is as contiguous as asked, read-only is honoured, every element is in mapped memory;</item>
/// <item>releasing gives back every reference the request took.</item>
/// </list>
/// A refusal the reference would not make is allowed (counted apart, as "refused"), and so is
/// answering PyBUF_FORMAT without PyBUF_ND, which the reference alone refuses.
/// </summary>
internal static class ExporterRules
{
    /// <summary>The memory as the fullest answer describes it: the layout every answer is held to.</summary>
    public sealed record Exported(ExportAnswer Answer, string Format, long[] Shape, long[] Strides, bool C, bool F)
    {
        public CaseLayout Layout => new(Format, Shape, Strides, 0, Answer.ReadOnly);
    }

    public static Exported Describe(ExportAnswer full)
    {
        var itemSize = Math.Max(1, full.ItemSize);
        var shape = full.Shape ?? (full.NDim == 0 ? [] : [full.Len / itemSize]);
        var strides = full.Strides ?? BufferLayout.ContiguousStrides(shape, (int)itemSize, false);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        return new Exported(full, full.Format ?? "B", shape, strides,
            BufferLayout.IsContiguous(shape, strides, itemSize, count, false), BufferLayout.IsContiguous(shape, strides, itemSize, count, true));
    }

    /// <summary>(kind, expected, got, rule) for one answer: the rule in words that name no flags, so the same defect met by several requests reads the same.</summary>
    public static (string Kind, string? Expected, string? Got, string? Rule) Judge(ExportAnswer a, Exported reference, Func<string, long?> formatSize, MappedMemory memory)
    {
        var flags = a.Flags;
        var must = MandatoryRefusal(flags, reference);
        if (!a.Ok)
        {
            if (a.ObjSetOnFailure)
                return (CheckKinds.Wrong, "obj NULL", "obj set", "a failed request left view->obj set: it must be NULL after a failure");
            if (a.RefcountChange != 0)
                return (CheckKinds.LeakedExport, "reference count unchanged", $"{a.RefcountChange:+0;-0}", "a refused request changed the exporter's reference count");
            return must is not null
                ? (CheckKinds.Passed, null, null, null)
                : (CheckKinds.Refused, "an answer (the reference exporter answers it)", $"{a.ErrorType}: {a.ErrorMessage}", "refused a request the reference exporter answers: allowed, counted apart");
        }
        if (must is not null)
            return (CheckKinds.Wrong, $"BufferError ({must})", Fields(a), $"answered a request it must refuse: {must}");
        if (BufferRequest.WantsWritable(flags) && a.ReadOnly)
            return (CheckKinds.Wrong, "readonly 0", "readonly 1", "answered PyBUF_WRITABLE with a read-only view: it asks for writable memory or a refusal");
        if (a.Strides is not null && !BufferRequest.WantsStrides(flags))
            return (CheckKinds.Wrong, "strides NULL", $"strides {BufferLayout.Show(a.Strides)}", "filled strides, which the request did not ask for (no PyBUF_STRIDES)");
        if (a.Shape is not null && !BufferRequest.WantsShape(flags))
            return (CheckKinds.Wrong, "shape NULL", $"shape {BufferLayout.Show(a.Shape)}", "filled shape, which the request did not ask for (no PyBUF_ND)");
        if (a.Format is not null && !BufferRequest.WantsFormat(flags))
            return (CheckKinds.Wrong, "format NULL", $"format '{a.Format}'", "filled format, which the request did not ask for (no PyBUF_FORMAT): NULL means 'B'");
        if (a.Suboffsets is not null && (flags & 0x100) == 0)
            return (CheckKinds.Wrong, "suboffsets NULL", $"suboffsets {BufferLayout.Show(a.Suboffsets)}", "filled suboffsets, which the request did not ask for (no PyBUF_INDIRECT)");
        if (a.Format is null && BufferRequest.WantsFormat(flags))
            return (CheckKinds.Wrong, "a format", "format NULL", "left format NULL, though the request asked for it (PyBUF_FORMAT)");
        if (a.Shape is null && BufferRequest.WantsShape(flags) && a.NDim != 0)
            return (CheckKinds.Wrong, "a shape", "shape NULL", "left shape NULL, though the request asked for it (PyBUF_ND)");
        if (a.Strides is null && BufferRequest.WantsStrides(flags) && a.NDim != 0)
            return (CheckKinds.Wrong, "strides", "strides NULL", "left strides NULL, though the request asked for them (PyBUF_STRIDES)");
        if (a.Shape is { } shape)
        {
            var product = shape.Aggregate(1L, (x, y) => x * y);
            if (a.Len != a.ItemSize * product)
                return (CheckKinds.Wrong, $"len {a.ItemSize * product}", $"len {a.Len}", $"len is not itemsize × product(shape) ({a.ItemSize} × {product})");
        }
        if (a.Format is { } format && formatSize(format) is { } size && size != a.ItemSize)
            return (CheckKinds.Wrong, $"itemsize {size}", $"itemsize {a.ItemSize}", $"format '{format}' is {size} bytes per item, but itemsize is {a.ItemSize}");
        var viewShape = a.Shape ?? (a.NDim == 0 ? [] : [a.Len / Math.Max(1, a.ItemSize)]);
        var viewStrides = a.Strides ?? BufferLayout.ContiguousStrides(viewShape, (int)Math.Max(1, a.ItemSize), false);
        var count = viewShape.Aggregate(1L, (x, y) => x * y);
        var c = BufferLayout.IsContiguous(viewShape, viewStrides, a.ItemSize, count, false);
        var f = BufferLayout.IsContiguous(viewShape, viewStrides, a.ItemSize, count, true);
        if ((flags & 0x20) != 0 && !c || (flags & 0x40) != 0 && !f || (flags & 0x80) != 0 && !c && !f)
            return (CheckKinds.Wrong, "a contiguous view or a refusal", $"strides {BufferLayout.Show(viewStrides)}", "answered a contiguity request with a view that is not contiguous that way");
        if (count > 0 && Span(a.Buf, viewShape, viewStrides, a.ItemSize) is var (low, high) && !memory.Contains(low, high))
            return (CheckKinds.Wrong, "elements in mapped memory", $"bytes [0x{low:x}, 0x{high:x})", "the elements the answer describes reach memory that is not mapped");
        if (a.RefcountChange != 0 || a.ViewObjRefcountChange != 0)
            return (CheckKinds.LeakedExport, "reference counts back after PyBuffer_Release",
                $"exporter {a.RefcountChange:+0;-0}, view.obj {a.ViewObjRefcountChange:+0;-0}", "releasing the view does not give back the references the request took");
        return (CheckKinds.Passed, null, null, null);
    }

    /// <summary>Why PEP 3118 requires refusing this request of this memory, or null: the reference's refusals bar the optional one (FORMAT without ND).</summary>
    private static string? MandatoryRefusal(int flags, Exported reference)
    {
        var refusal = BufferRequest.Refusal(flags, reference.Answer.ReadOnly, reference.C, reference.F);
        return refusal is not null && refusal.StartsWith("a request with PyBUF_FORMAT but without PyBUF_ND", StringComparison.Ordinal) ? null : refusal;
    }

    private static (ulong, ulong) Span(long buf, long[] shape, long[] strides, long itemSize)
    {
        long low = buf, high = buf;
        for (var i = 0; i < shape.Length; i++)
        {
            var reach = (shape[i] - 1) * strides[i];
            if (reach < 0) low += reach; else high += reach;
        }
        return ((ulong)low, (ulong)(high + itemSize));
    }

    private static string Fields(ExportAnswer a) =>
        $"an answer: readonly {(a.ReadOnly ? 1 : 0)}, format {(a.Format is null ? "NULL" : $"'{a.Format}'")}, shape {(a.Shape is null ? "NULL" : BufferLayout.Show(a.Shape))}, strides {(a.Strides is null ? "NULL" : BufferLayout.Show(a.Strides))}";

    /// <summary>
    /// Every request a check sends: the base requests (SIMPLE, ND, STRIDES, the three contiguities,
    /// INDIRECT), each with and without WRITABLE and FORMAT.
    /// </summary>
    public static IReadOnlyList<int> Requests { get; } =
        [.. new[] { 0, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118 }.SelectMany(b => new[] { b, b | 0x1, b | 0x4, b | 0x5 })];

    /// <summary>The fullest requests first: the first one answered describes the memory.</summary>
    public static IReadOnlyList<int> Describing { get; } = [0x11c, 0x1c, 0x18, 0xc, 0x8, 0x0];
}
