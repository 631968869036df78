using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>Defining types from C#: PyType_FromSpec and the structures it reads.</summary>
internal static unsafe partial class Interop
{
    [LibraryImport(Library)] internal static partial nint PyType_FromSpec(PyType_Spec* spec);
    [LibraryImport(Library)] internal static partial nint PyType_GenericAlloc(nint type, nint items);
    [LibraryImport(Library)] internal static partial void PyObject_Free(nint o);
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyType_Spec
{
    public byte* name;          // const char*
    public int basicsize;       // int
    public int itemsize;        // int
    public uint flags;          // unsigned int
    public PyType_Slot* slots;  // PyType_Slot*, terminated by {0, NULL}
}

[StructLayout(LayoutKind.Sequential)]
internal struct PyType_Slot
{
    public int slot;    // int, Py_tp_* / Py_bf_* from typeslots.h
    public nint pfunc;  // void*
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyMethodDef
{
    public byte* ml_name;   // const char*
    public nint ml_meth;    // PyCFunction
    public int ml_flags;    // int, METH_*
    public byte* ml_doc;    // const char*
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyGetSetDef
{
    public byte* name;      // const char*
    public nint get;        // getter
    public nint set;        // setter
    public byte* doc;       // const char*
    public nint closure;    // void*
}

/// <summary>Slot numbers from CPython's Include/typeslots.h (stable ABI: fixed across versions).</summary>
internal static class TypeSlot
{
    public const int bf_getbuffer = 1;
    public const int bf_releasebuffer = 2;
    public const int tp_dealloc = 52;
    public const int tp_doc = 56;
    public const int tp_methods = 64;
    public const int tp_new = 65;
    public const int tp_repr = 66;
    public const int tp_getset = 73;
    public const int tp_free = 74;
}

internal static class MethodFlags
{
    public const int METH_VARARGS = 0x1;
    public const int METH_KEYWORDS = 0x2;
    public const int METH_NOARGS = 0x4;
    public const int METH_O = 0x8;
}
