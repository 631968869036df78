using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

internal static partial class Interop
{
    // Incref never calls back into .NET, so it may skip the GC transition (~3 ns on the export path).
    [LibraryImport(Library), SuppressGCTransition] internal static partial void Py_IncRef(nint o);

    // Decref may run a deallocator, which can be one of our [UnmanagedCallersOnly] slots: it must
    // make the full transition.
    [LibraryImport(Library)] internal static partial void Py_DecRef(nint o);

    /// <summary>
    /// Decref for an object the caller knows another owner keeps alive, so no deallocator can run.
    /// Only then is skipping the GC transition safe.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "Py_DecRef"), SuppressGCTransition]
    internal static partial void Py_DecRef_KeptAlive(nint o);

    [LibraryImport(Library)] internal static partial nint PyObject_Repr(nint o);
    [LibraryImport(Library)] internal static partial nint PyObject_Str(nint o);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint PyObject_GetAttrString(nint o, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PyObject_SetAttrString(nint o, string name, nint value);
    [LibraryImport(Library)] internal static partial nint PyObject_Call(nint callable, nint args, nint kwargs);
    [LibraryImport(Library)] internal static partial nint PyObject_CallObject(nint callable, nint args);
    [LibraryImport(Library)] internal static partial int PyObject_IsTrue(nint o);
    [LibraryImport(Library)] internal static partial nint PyObject_Type(nint o);
}
