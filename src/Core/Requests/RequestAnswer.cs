namespace Bufferscope.Core.Requests;

/// <summary>
/// What an exporter answered one request with (<c>PyObject_GetBuffer</c> with exactly
/// <see cref="Flags"/>), the view already released; beside it, what CPython's reference exporter
/// answers for the same layout (<see cref="Reference"/>).
/// </summary>
/// <param name="FlagNames">The request as PEP 3118 names it: "PyBUF_FULL_RO", or its parts.</param>
/// <param name="Exporter">The exporter's type: numpy.ndarray, bytearray, bufferscope.MemBuf.</param>
/// <param name="View">The filled fields (null where the field was NULL); null when refused.</param>
/// <param name="Error">The exception the refusal raised; null when answered.</param>
/// <param name="AgreesWithReference">Both answered with the same fields, or both refused; null with no reference.</param>
public sealed record RequestAnswer(
    int Flags,
    string FlagNames,
    IReadOnlyList<string> FlagParts,
    string Exporter,
    bool Ok,
    RequestView? View,
    RequestError? Error,
    RequestReference Reference,
    bool? AgreesWithReference);

/// <summary>A <c>Py_buffer</c>'s fields as an answer filled them, named as the struct names them: an array is null where its pointer was NULL.</summary>
public sealed record RequestView(long Len, long Itemsize, bool Readonly, int Ndim, string? Format, long[]? Shape, long[]? Strides, long[]? Suboffsets)
{
    public bool SameAs(RequestView other) =>
        Len == other.Len && Itemsize == other.Itemsize && Readonly == other.Readonly && Ndim == other.Ndim && Format == other.Format
        && Same(Shape, other.Shape) && Same(Strides, other.Strides) && Same(Suboffsets, other.Suboffsets);

    private static bool Same(long[]? a, long[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>The exception a refused request raised: BufferError, with the exporter's reason.</summary>
public sealed record RequestError(string Type, string Message);

/// <summary>
/// CPython's reference exporter asked the same: <see cref="Made"/> is the
/// <c>_testbuffer.ndarray(...)</c> call with the exporter's layout; <see cref="Unavailable"/>
/// says why there is none (a format struct cannot pack, no layout, no _testbuffer).
/// </summary>
public sealed record RequestReference(string? Made, bool Ok, RequestView? View, RequestError? Error, string? Unavailable);
