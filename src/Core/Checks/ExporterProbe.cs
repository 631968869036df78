using System.Text;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Checks;

/// <summary>
/// Asks an exporter for a buffer with exactly the flags given (<c>PyObject_GetBuffer</c>), copies
/// every field the answer holds, releases it, and measures whether the reference counts came back.
/// The request workbench's probe too. GIL held.
/// </summary>
internal static unsafe class ExporterProbe
{
    // 3.11-3.13 default builds keep ob_refcnt as a plain count at offset 0.
    private static long Refcount(nint o) => *(long*)o;

    public static ExportAnswer Request(nint exporter, int flags)
    {
        var view = default(Py_buffer);
        var before = Refcount(exporter);
        if (Interop.PyObject_GetBuffer(exporter, &view, flags) != 0)
        {
            var error = PythonErrors.Fetch();
            return new ExportAnswer(flags, false, error.PythonType, error.PythonMessage, view.obj != 0,
                0, 0, 0, false, 0, null, null, null, null, false, Refcount(exporter) - before, 0);
        }
        var obj = view.obj;
        var ndim = view.ndim;
        var answer = new ExportAnswer(flags, true, null, null, false,
            view.buf, view.len, view.itemsize, view.@readonly != 0, ndim,
            view.format == null ? null : Encoding.ASCII.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(view.format)),
            Copy(view.shape, ndim), Copy(view.strides, ndim), Copy(view.suboffsets, ndim),
            obj == exporter, 0, 0);
        // Held across the release, so the view's object cannot go away while its count is read.
        if (obj != 0 && obj != exporter)
            Interop.Py_IncRef(obj);
        var objBefore = obj != 0 ? Refcount(obj) : 0;
        Interop.PyBuffer_Release(&view);
        var objChange = obj != 0 && obj != exporter ? Refcount(obj) - (objBefore - 1) : 0;
        if (obj != 0 && obj != exporter)
            Interop.Py_DecRef(obj);
        return answer with { RefcountChange = Refcount(exporter) - before, ViewObjRefcountChange = objChange };
    }

    private static long[]? Copy(nint* values, int ndim)
    {
        if (values == null)
            return null;
        // A negative or absurd ndim with a non-NULL array is itself a defect: read at most 64.
        var n = Math.Clamp(ndim, 0, 64);
        var copy = new long[n];
        for (var i = 0; i < n; i++)
            copy[i] = values[i];
        return copy;
    }
}
