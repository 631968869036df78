using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

internal static unsafe partial class Interop
{
    /// <summary>CPython's PyStatus, returned by value from the PyConfig functions.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PyStatus
    {
        public int _type;       // enum { _PyStatus_TYPE_OK, _ERROR, _EXIT }
        public nint func;       // const char*
        public nint err_msg;    // const char*
        public int exitcode;    // int

        public readonly string? Message =>
            err_msg == 0 ? null : Marshal.PtrToStringUTF8(err_msg);
    }

    [LibraryImport(Library)] internal static partial void PyConfig_InitIsolatedConfig(byte* config);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial PyStatus PyConfig_SetBytesString(byte* config, nint* field, string value);
    [LibraryImport(Library)] internal static partial PyStatus Py_InitializeFromConfig(byte* config);
    [LibraryImport(Library)] internal static partial void PyConfig_Clear(byte* config);
    [LibraryImport(Library)] internal static partial int PyStatus_Exception(PyStatus status);
    [LibraryImport(Library)] internal static partial int Py_IsInitialized();
    [LibraryImport(Library)] internal static partial int Py_FinalizeEx();
}
