using System.Runtime.InteropServices;

namespace Bufferscope.Core.Native;

/// <summary>
/// A kernel's SIGSEGV and SIGFPE, routed by the code that faulted: .NET's handler for .NET code,
/// so a NullReferenceException or DivideByZeroException in .NET code called through <c>import
/// clr</c> stays an exception; Python's faulthandler for C code, so a crash in an extension is
/// reported with its Python traceback. The router is C (<c>fault_router.c</c>): a signal handler
/// cannot run managed code.
/// </summary>
internal static partial class FaultRouter
{
    private const string Library = "libbufferscope_faults";

    [LibraryImport(Library)] private static partial int bufferscope_faults_prepare();
    [LibraryImport(Library)] private static partial int bufferscope_faults_route();

    /// <summary>
    /// Runs <paramref name="enableFaulthandler"/> between keeping .NET's handlers and installing
    /// the router over faulthandler's. Python thread, once, at the kernel's start.
    /// </summary>
    public static void Around(Action enableFaulthandler)
    {
        var prepared = bufferscope_faults_prepare();
        if (prepared != 0)
            throw new InvalidOperationException($"the fault router could not keep .NET's signal handlers (step {-prepared} of bufferscope_faults_prepare)");
        enableFaulthandler();
        var routed = bufferscope_faults_route();
        if (routed != 0)
            throw new InvalidOperationException($"the fault router could not be installed (step {-routed} of bufferscope_faults_route)");
    }
}
