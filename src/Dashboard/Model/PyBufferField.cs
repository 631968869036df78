using Bufferscope.Core.Buffers;
using Bufferscope.Core.Requests;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// One <c>Py_buffer</c> field as the workbench's table shows it: what the exporter filled, what
/// the reference exporter filled for the same request, and whether they differ. A pointer field
/// left NULL reads "NULL" (not "", not "()": a 0-d shape is an empty tuple, which is not NULL).
/// A side that refused has no fields: its cells are null and differ from nothing, as the
/// refusal itself is what the table's heading compares.
/// </summary>
public sealed record PyBufferField(string Name, string? Exporter, string? Reference)
{
    public bool Differs => Exporter is not null && Reference is not null && Exporter != Reference;

    /// <summary>The fields in the order <c>Py_buffer</c> declares them (buf and obj, which are pointers to nothing comparable, left out).</summary>
    public static IReadOnlyList<PyBufferField> Compare(RequestView? exporter, RequestView? reference) =>
    [
        new("len", exporter?.Len.ToString(), reference?.Len.ToString()),
        new("itemsize", exporter?.Itemsize.ToString(), reference?.Itemsize.ToString()),
        new("readonly", Flag(exporter?.Readonly), Flag(reference?.Readonly)),
        new("ndim", exporter?.Ndim.ToString(), reference?.Ndim.ToString()),
        new("format", exporter is null ? null : Format(exporter.Format), reference is null ? null : Format(reference.Format)),
        new("shape", exporter is null ? null : Array(exporter.Shape), reference is null ? null : Array(reference.Shape)),
        new("strides", exporter is null ? null : Array(exporter.Strides), reference is null ? null : Array(reference.Strides)),
        new("suboffsets", exporter is null ? null : Array(exporter.Suboffsets), reference is null ? null : Array(reference.Suboffsets)),
    ];

    /// <summary>readonly is an int in the struct: 1 or 0, as C shows it.</summary>
    private static string? Flag(bool? value) => value is { } v ? (v ? "1" : "0") : null;

    private static string Format(string? format) => format is null ? "NULL" : $"\"{format}\"";

    private static string Array(long[]? values) => values is null ? "NULL" : BufferLayout.Show(values);
}
