using System.Globalization;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Model;

/// <summary>One field of a live view's <c>Py_buffer</c>: its C declaration, this view's value, and the lesson that explains it.</summary>
public sealed record PyBufferCardField(string Declaration, string Name, string Value, string LessonId, string About);

/// <summary>
/// The C struct a consumer holds for one live view, with this view's values, each field linked to
/// the lesson (Learn/Lessons) that explains it. Every field follows from the buffer's layout and
/// the request's flags, as the exporter filled it.
/// </summary>
public static class PyBufferCard
{
    public static IReadOnlyList<PyBufferCardField> For(BufferDto buffer, ViewDto view) =>
    [
        new("void *", "buf", $"0x{buffer.Address:x}", "shape-strides-and-offset", "the address of element [0, ..., 0]"),
        new("PyObject *", "obj", $"{buffer.Name} (bufferscope.MemBuf #{buffer.Id})", "memory-with-no-owner", "the exporter, kept alive while the view lives"),
        new("Py_ssize_t", "len", Number(buffer.NBytes), "elements-and-bytes", "bytes: itemsize × the product of shape"),
        new("Py_ssize_t", "itemsize", Number(buffer.ItemSize), "elements-and-bytes", "bytes per element"),
        new("int", "readonly", view.ReadOnly ? "1" : "0", "read-only-comes-from-the-exporter", "the exporter's word: 1 means no writes"),
        new("int", "ndim", Number(view.NDim), "shape-strides-and-offset", "dimensions (1 when the shape was not asked for)"),
        new("char *", "format", view.Format is null ? "NULL" : $"\"{view.Format}\"", "formats-and-byte-order", "a struct format; NULL means \"B\" (not asked for)"),
        new("Py_ssize_t *", "shape", Array(view.Shape), "shape-strides-and-offset", "elements per dimension; NULL: not asked for (PyBUF_ND)"),
        new("Py_ssize_t *", "strides", Array(view.Strides), "contiguity", "bytes to step per dimension; NULL: C order assumed"),
        new("Py_ssize_t *", "suboffsets", "NULL", "request-flags", "for PIL-style pointer arrays; MemBuf has none"),
        new("void *", "internal", "the exporter's own", "writing-an-exporter-right", "MemBuf keeps its ledger slot here"),
    ];

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Array(long[]? values) => values is null ? "NULL" : $"{{{string.Join(", ", values)}}}";
}
