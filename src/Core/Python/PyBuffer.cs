using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>
/// CPython's Py_buffer (Include/pybuffer.h), 80 bytes on 64-bit 3.11-3.13. Blittable on purpose:
/// a marshalled Py_buffer is how pythonnet crashed (its issue #2371).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Py_buffer
{
    public nint buf;         // void*
    public nint obj;         // PyObject*, a new reference owned by the view
    public nint len;         // Py_ssize_t
    public nint itemsize;    // Py_ssize_t
    public int @readonly;    // int
    public int ndim;         // int
    public byte* format;     // char*
    public nint* shape;      // Py_ssize_t*
    public nint* strides;    // Py_ssize_t*
    public nint* suboffsets; // Py_ssize_t*
    public nint @internal;   // void*, the exporter's own: we keep the ledger slot here
}
