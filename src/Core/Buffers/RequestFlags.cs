namespace Bufferscope.Core.Buffers;

/// <summary>PEP 3118 request flags (Include/pybuffer.h). The composite values include the bits they imply.</summary>
[Flags]
public enum RequestFlags
{
    PyBUF_SIMPLE = 0,
    PyBUF_WRITABLE = 0x0001,
    PyBUF_FORMAT = 0x0004,
    PyBUF_ND = 0x0008,
    PyBUF_STRIDES = 0x0010 | PyBUF_ND,
    PyBUF_C_CONTIGUOUS = 0x0020 | PyBUF_STRIDES,
    PyBUF_F_CONTIGUOUS = 0x0040 | PyBUF_STRIDES,
    PyBUF_ANY_CONTIGUOUS = 0x0080 | PyBUF_STRIDES,
    PyBUF_INDIRECT = 0x0100 | PyBUF_STRIDES,
    PyBUF_CONTIG = PyBUF_ND | PyBUF_WRITABLE,
    PyBUF_CONTIG_RO = PyBUF_ND,
    PyBUF_STRIDED = PyBUF_STRIDES | PyBUF_WRITABLE,
    PyBUF_STRIDED_RO = PyBUF_STRIDES,
    PyBUF_RECORDS = PyBUF_STRIDES | PyBUF_WRITABLE | PyBUF_FORMAT,
    PyBUF_RECORDS_RO = PyBUF_STRIDES | PyBUF_FORMAT,
    PyBUF_FULL = PyBUF_INDIRECT | PyBUF_WRITABLE | PyBUF_FORMAT,
    PyBUF_FULL_RO = PyBUF_INDIRECT | PyBUF_FORMAT,
}

public static class RequestFlagNames
{
    private static readonly (RequestFlags Flag, string Name)[] s_named =
    [
        (RequestFlags.PyBUF_FULL, "PyBUF_FULL"), (RequestFlags.PyBUF_FULL_RO, "PyBUF_FULL_RO"),
        (RequestFlags.PyBUF_RECORDS, "PyBUF_RECORDS"), (RequestFlags.PyBUF_RECORDS_RO, "PyBUF_RECORDS_RO"),
        (RequestFlags.PyBUF_STRIDED, "PyBUF_STRIDED"), (RequestFlags.PyBUF_STRIDED_RO, "PyBUF_STRIDED_RO"),
        (RequestFlags.PyBUF_CONTIG, "PyBUF_CONTIG"), (RequestFlags.PyBUF_CONTIG_RO, "PyBUF_CONTIG_RO"),
    ];

    private const int Known = 0x1 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100;

    /// <summary>The request as PEP 3118 names it: "PyBUF_FULL_RO", or its parts, "PyBUF_ND | PyBUF_FORMAT".</summary>
    public static string Describe(int flags)
    {
        foreach (var (flag, name) in s_named)
            if ((int)flag == flags)
                return name;
        return string.Join(" | ", Decompose(flags));
    }

    /// <summary>
    /// The separate flags of a request. A base is named by its own bit; STRIDES and ND are named
    /// only when no wider base (which implies them) already is.
    /// </summary>
    public static IReadOnlyList<string> Decompose(int flags)
    {
        var names = new List<string>();
        if ((flags & 0x100) != 0) names.Add("PyBUF_INDIRECT");
        if ((flags & 0x20) != 0) names.Add("PyBUF_C_CONTIGUOUS");
        if ((flags & 0x40) != 0) names.Add("PyBUF_F_CONTIGUOUS");
        if ((flags & 0x80) != 0) names.Add("PyBUF_ANY_CONTIGUOUS");
        if ((flags & 0x10) != 0 && (flags & 0x1e0) == 0) names.Add("PyBUF_STRIDES");
        if ((flags & 0x08) != 0 && (flags & 0x1f0) == 0) names.Add("PyBUF_ND");
        if ((flags & 0x01) != 0) names.Add("PyBUF_WRITABLE");
        if ((flags & 0x04) != 0) names.Add("PyBUF_FORMAT");
        if ((flags & ~Known) != 0) names.Add($"0x{flags & ~Known:x}");
        if (names.Count == 0) names.Add("PyBUF_SIMPLE");
        return names;
    }
}
