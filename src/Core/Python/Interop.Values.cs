using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>Builtin value types: str, int, float, bool, bytes, tuple, list, dict.</summary>
internal static unsafe partial class Interop
{
    [LibraryImport(Library)] internal static partial nint PyUnicode_FromStringAndSize(byte* utf8, nint size);
    [LibraryImport(Library)] internal static partial byte* PyUnicode_AsUTF8AndSize(nint o, nint* size);
    [LibraryImport(Library)] internal static partial nint PyLong_FromLongLong(long value);
    [LibraryImport(Library)] internal static partial nint PyLong_FromUnsignedLongLong(ulong value);
    [LibraryImport(Library)] internal static partial long PyLong_AsLongLong(nint o);
    [LibraryImport(Library)] internal static partial nint PyFloat_FromDouble(double value);
    [LibraryImport(Library)] internal static partial double PyFloat_AsDouble(nint o);
    [LibraryImport(Library)] internal static partial nint PyBool_FromLong(long value);
    [LibraryImport(Library)] internal static partial nint PyBytes_FromStringAndSize(byte* data, nint size);
    [LibraryImport(Library)] internal static partial nint PyTuple_New(nint size);
    [LibraryImport(Library)] internal static partial int PyTuple_SetItem(nint tuple, nint index, nint stolen);
    [LibraryImport(Library)] internal static partial nint PyTuple_GetItem(nint tuple, nint index);
    [LibraryImport(Library)] internal static partial nint PyTuple_Size(nint tuple);
    [LibraryImport(Library)] internal static partial nint PyList_New(nint size);
    [LibraryImport(Library)] internal static partial int PyList_SetItem(nint list, nint index, nint stolen);
    [LibraryImport(Library)] internal static partial nint PyDict_New();
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PyDict_SetItemString(nint dict, string key, nint value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint PyDict_GetItemString(nint dict, string key);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PyDict_DelItemString(nint dict, string key);
    [LibraryImport(Library)] internal static partial nint PyDict_Copy(nint dict);
    [LibraryImport(Library)] internal static partial int PyDict_Next(nint dict, nint* position, nint* key, nint* value);
    [LibraryImport(Library)] internal static partial int PyObject_GetBuffer(nint o, Py_buffer* view, int flags);
    [LibraryImport(Library)] internal static partial void PyBuffer_Release(Py_buffer* view);
}
