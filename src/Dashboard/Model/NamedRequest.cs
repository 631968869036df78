using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>A request pybuffer.h names, offered in the workbench's select: choosing it sets exactly its bits.</summary>
public sealed record NamedRequest(RequestFlags Flags, string Meaning)
{
    public string Name => RequestFlagNames.Describe((int)Flags);

    /// <summary>Read-only first, each beside its writable twin, then the contiguities on their own.</summary>
    public static readonly IReadOnlyList<NamedRequest> All =
    [
        new(RequestFlags.PyBUF_SIMPLE, "buf and len only: contiguous bytes"),
        new(RequestFlags.PyBUF_CONTIG_RO, "= PyBUF_ND: shape, C-contiguous"),
        new(RequestFlags.PyBUF_CONTIG, "shape, C-contiguous, writable"),
        new(RequestFlags.PyBUF_STRIDED_RO, "= PyBUF_STRIDES: shape and strides"),
        new(RequestFlags.PyBUF_STRIDED, "shape and strides, writable"),
        new(RequestFlags.PyBUF_RECORDS_RO, "strided, with format"),
        new(RequestFlags.PyBUF_RECORDS, "strided, with format, writable"),
        new(RequestFlags.PyBUF_FULL_RO, "everything, suboffsets allowed"),
        new(RequestFlags.PyBUF_FULL, "everything, suboffsets allowed, writable"),
        new(RequestFlags.PyBUF_C_CONTIGUOUS, "strided, must be C-contiguous"),
        new(RequestFlags.PyBUF_F_CONTIGUOUS, "strided, must be Fortran-contiguous"),
        new(RequestFlags.PyBUF_ANY_CONTIGUOUS, "strided, C- or Fortran-contiguous"),
    ];
}
