using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// One flag the workbench offers as a checkbox, with what it asks of the exporter in plain words.
/// <see cref="Flag"/> is pybuffer.h's value, so a composite (STRIDES, the contiguities, INDIRECT)
/// carries the bits it implies.
/// </summary>
public sealed record RequestFlagChoice(RequestFlags Flag, string Name, string Meaning)
{
    /// <summary>The bit this flag adds to those it implies: the highest, as pybuffer.h builds each composite from a new bit and narrower flags.</summary>
    public int OwnBit => (int)Flag == 0 ? 0 : 1 << System.Numerics.BitOperations.Log2((uint)Flag);

    /// <summary>In pybuffer.h's order, the base requests after the two modifiers.</summary>
    public static readonly IReadOnlyList<RequestFlagChoice> All =
    [
        Of(RequestFlags.PyBUF_WRITABLE, "the consumer will write: a read-only exporter must refuse"),
        Of(RequestFlags.PyBUF_FORMAT, "fill format, the struct code of one item; without it format is NULL, which means unsigned bytes ('B')"),
        Of(RequestFlags.PyBUF_ND, "fill shape; without STRIDES the memory must be C-contiguous. Implied by every flag below: unticking it unticks them"),
        Of(RequestFlags.PyBUF_STRIDES, "fill strides too (ticks ND): the consumer can walk any layout strides describe. Implied by the flags below"),
        Of(RequestFlags.PyBUF_C_CONTIGUOUS, "the memory must be C-contiguous (last index fastest), or the exporter refuses; ticks STRIDES and ND"),
        Of(RequestFlags.PyBUF_F_CONTIGUOUS, "the memory must be Fortran-contiguous (first index fastest), or the exporter refuses; ticks STRIDES and ND"),
        Of(RequestFlags.PyBUF_ANY_CONTIGUOUS, "the memory must be C- or Fortran-contiguous, or the exporter refuses; ticks STRIDES and ND"),
        Of(RequestFlags.PyBUF_INDIRECT, "the consumer can follow suboffsets (PIL-style arrays of pointers), so the exporter may fill them; ticks STRIDES and ND"),
    ];

    /// <summary>A flag's meaning by its name (as <see cref="RequestFlagNames.Decompose"/> names a request's parts), for the views panel's tooltips.</summary>
    public static string MeaningOf(string name) =>
        name == "PyBUF_SIMPLE" ? "no flags: a plain run of bytes, which must be C-contiguous; format, shape and strides are NULL"
        : All.FirstOrDefault(c => c.Name == name)?.Meaning ?? name;

    // The name as written, not Flag.ToString(): ND and CONTIG_RO, STRIDES and STRIDED_RO share a
    // value, and an enum's name for a shared value is whichever it finds first.
    private static RequestFlagChoice Of(RequestFlags flag, string meaning, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(flag))] string written = "") =>
        new(flag, written[(written.LastIndexOf('.') + 1)..], meaning);
}
