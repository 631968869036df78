using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>
/// Frames, for the export ledger's origin (file and line that asked). These run on every export;
/// those that cannot call back into .NET skip the GC transition.
/// </summary>
internal static partial class Interop
{
    // Not SuppressGCTransition: materialising a frame object allocates, and in 3.11 an allocation can
    // run the cyclic GC, whose deallocations may call our slots (a reverse P/Invoke).
    [LibraryImport(Library)] internal static partial nint PyEval_GetFrame();
    [LibraryImport(Library), SuppressGCTransition] internal static partial nint PyFrame_GetCode(nint frame);
    [LibraryImport(Library), SuppressGCTransition] internal static partial int PyFrame_GetLasti(nint frame);
    [LibraryImport(Library)] internal static partial int PyCode_Addr2Line(nint code, int lasti);
    // Reads a thread-local; the caller holds the GIL, so the answer is its own thread state.
    [LibraryImport(Library), SuppressGCTransition] internal static partial nint _PyThreadState_UncheckedGet();
}
