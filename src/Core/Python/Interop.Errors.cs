using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

internal static partial class Interop
{
    [LibraryImport(Library), SuppressGCTransition] internal static partial nint PyErr_Occurred();
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void PyErr_SetString(nint type, string message);
    [LibraryImport(Library)] internal static partial void PyErr_SetObject(nint type, nint value);
    [LibraryImport(Library)] internal static partial void PyErr_Clear();
    [LibraryImport(Library)] internal static unsafe partial void PyErr_Fetch(nint* type, nint* value, nint* traceback);
    [LibraryImport(Library)] internal static unsafe partial void PyErr_NormalizeException(nint* type, nint* value, nint* traceback);
    [LibraryImport(Library)] internal static partial int PyException_SetTraceback(nint exception, nint traceback);
    [LibraryImport(Library)] internal static partial int PyErr_GivenExceptionMatches(nint given, nint exc);
}
