namespace Bufferscope.Core.Buffers;

/// <summary>
/// The rules that decide what a buffer request is handed, in the order CPython's reference
/// exporter (<c>_testbuffer.ndarray</c>) checks them, failing on the first that does not hold:
/// <list type="number">
/// <item>WRITABLE on a read-only buffer is refused.</item>
/// <item>Without FORMAT, format is NULL (consumers assume "B"; itemsize stays the real one).</item>
/// <item>C_, F_, ANY_CONTIGUOUS are refused unless the memory is laid out that way.</item>
/// <item>Without STRIDES (SIMPLE, ND) the memory must be C-contiguous; strides are NULL.</item>
/// <item>Without ND (SIMPLE, WRITABLE) shape is NULL and ndim 1: the buffer is seen as plain bytes,
///       which is refused together with FORMAT (a cast to bytes that keeps the format is meaningless).</item>
/// </list>
/// INDIRECT is always satisfied: our buffers never need suboffsets. All of this is decided from
/// the layout and the flags alone, so <see cref="Decide"/> is pure and shared by the slot and the
/// ledger (which stores only the flags and derives the fields handed out).
/// </summary>
public static class BufferRequest
{
    public static bool WantsWritable(int flags) => (flags & (int)RequestFlags.PyBUF_WRITABLE) != 0;
    public static bool WantsFormat(int flags) => (flags & (int)RequestFlags.PyBUF_FORMAT) != 0;
    public static bool WantsShape(int flags) => Has(flags, RequestFlags.PyBUF_ND);
    public static bool WantsStrides(int flags) => Has(flags, RequestFlags.PyBUF_STRIDES);

    private static bool Has(int flags, RequestFlags flag) => (flags & (int)flag) == (int)flag;

    /// <summary>Null when the request can be honoured, else why not (the BufferError message).</summary>
    public static string? Refusal(int flags, bool readOnly, bool cContiguous, bool fContiguous)
    {
        if (WantsWritable(flags) && readOnly)
            return "buffer is read-only: the request asked for PyBUF_WRITABLE";
        if (Has(flags, RequestFlags.PyBUF_C_CONTIGUOUS) && !cContiguous)
            return "buffer is not C-contiguous: the request asked for PyBUF_C_CONTIGUOUS";
        if (Has(flags, RequestFlags.PyBUF_F_CONTIGUOUS) && !fContiguous)
            return "buffer is not Fortran-contiguous: the request asked for PyBUF_F_CONTIGUOUS";
        if (Has(flags, RequestFlags.PyBUF_ANY_CONTIGUOUS) && !cContiguous && !fContiguous)
            return "buffer is not contiguous: the request asked for PyBUF_ANY_CONTIGUOUS";
        if (!WantsStrides(flags) && !cContiguous)
            return "buffer is not C-contiguous: a request without PyBUF_STRIDES needs C-contiguous memory";
        if (!WantsShape(flags) && WantsFormat(flags))
            return "a request with PyBUF_FORMAT but without PyBUF_ND would see the buffer as plain bytes while keeping its format";
        return null;
    }

    /// <summary>What a successful request is handed. Shape and strides are null where the request leaves them NULL.</summary>
    public static ViewFields Decide(BufferLayout layout, bool readOnly, int flags) => new(
        ReadOnly: readOnly,
        Format: WantsFormat(flags) ? layout.Format.Text : null,
        NDim: WantsShape(flags) ? layout.Rank : 1,
        Shape: WantsShape(flags) ? layout.ShapeArray() : null,
        Strides: WantsStrides(flags) ? layout.StridesArray() : null);
}

/// <summary>The fields a view was handed: format null means "B" was implied, shape null means plain bytes.</summary>
public sealed record ViewFields(bool ReadOnly, string? Format, int NDim, long[]? Shape, long[]? Strides);
