using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

internal static partial class Interop
{
    [LibraryImport(Library)] internal static partial nint PyEval_SaveThread();
    [LibraryImport(Library)] internal static partial void PyEval_RestoreThread(nint threadState);
    [LibraryImport(Library)] internal static partial int PyGILState_Check();
}
