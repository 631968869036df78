using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PythonEngine = global::Python.Runtime.PythonEngine;
using PythonnetRuntime = global::Python.Runtime.Runtime;

namespace Bufferscope.Core.Python;

/// <summary>
/// pythonnet, the user's bridge to .NET (<c>import clr; from System import Array</c>), attached to
/// our interpreter the first time a snippet imports clr. This is the only code that touches pythonnet.
///
/// Why attach rather than use pythonnet's own embedding: measured here, its embedding is not
/// isolated (site, PYTHONPATH and VIRTUAL_ENV leak in) and its interrupt misses time.sleep and C
/// calls. Its runtime can attach on top of an interpreter that is already running, though:
/// PythonEngine.Initialize sees Py_IsInitialized, takes the GIL with PyGILState_Ensure (on the
/// Python thread, which holds it already, that only counts one up and never blocks, and it is
/// never released, which is what we want) and builds its types and the clr module in our
/// interpreter. Our isolated start, SIGUSR1 interrupt and time limits stay as they are.
/// Attaching costs 130-420 ms and about 20 MB, so it happens on the first <c>import clr</c> only:
/// a finder on sys.meta_path (Scripts/dotnet.py) calls <see cref="Attach"/>.
///
/// Traps, all seen here:
/// - Python.Runtime.dll is loaded when the JIT compiles a method that names one of its types. Only
///   <see cref="AttachPythonnet"/> does, and it is never inlined: a kernel that never imports clr
///   never maps the assembly.
/// - Disposing a pythonnet object, or calling PythonEngine.Interrupt, without the GIL segfaults.
///   This file keeps no pythonnet object; interrupts stay ours (SIGUSR1 to the Python thread).
/// - PythonEngine.Initialize subscribes PythonEngine.Shutdown to AppDomain.ProcessExit, which .NET
///   raises on its finalizer thread as the process ends, and whose first act is PyGILState_Ensure.
///   After our Py_FinalizeEx that dereferences a freed interpreter (SIGSEGV instead of exit 0);
///   while a thread still holds the GIL (finalisation gave up after its grace) it waits for ever
///   and the server has to kill the kernel. Calling PythonEngine.Shutdown ourselves first, on the
///   Python thread, took 0.8-1.5 s and the kernel still died of SIGSEGV on its way out. So the handler
///   is unsubscribed right after attaching (it is private: found by name, checked before
///   attaching, so a pythonnet that renames it fails <c>import clr</c> instead of hanging kernels).
///   Python then ends as it always does, finalised on its own thread; pythonnet's .NET objects
///   left over see Python finalised and do nothing.
/// - Attaching happens once, on the Python thread, with the GIL held. A failed Initialize leaves
///   pythonnet half set up and a second call would do nothing, so the failure is remembered and
///   every later <c>import clr</c> raises the same ImportError. That covers what pythonnet reports
///   as a .NET exception (seen: a NullReferenceException while __builtins__ was missing); a Python
///   error deep inside its Initialize (seen with importlib.abc sabotaged in sys.modules) crashed
///   in pythonnet's own error path instead, which no code here can catch.
/// </summary>
internal static unsafe class DotnetBridge
{
    private static nint s_clr;          // pythonnet's clr module; a strong reference kept for the process
    private static string? s_failure;   // why attaching failed, once it has

    /// <summary>Puts the finder for <c>clr</c> on sys.meta_path; loads nothing of pythonnet. Python thread, at start.</summary>
    internal static void Install()
    {
        var module = PythonRuntime.LoadModule("_bufferscope_dotnet", "dotnet.py");
        var attach = NativeFunction.Create("attach_pythonnet", &Attach, MethodFlags.METH_NOARGS);
        Interop.Py_DecRef(PyConvert.CallMethod(module, "install", attach));
        Interop.Py_DecRef(attach);
    }

    /// <summary><c>attach_pythonnet()</c>: a new reference to pythonnet's clr module, attaching it first; else ImportError.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Attach(nint self, nint unused)
    {
        try
        {
            if (s_clr == 0)
                s_clr = AttachOnce();
            Interop.Py_IncRef(s_clr);
            return s_clr;
        }
        catch (Exception e)
        {
            PythonErrors.Raise(Builtins.ImportError, e.Message);
            return 0;
        }
    }

    private static nint AttachOnce()
    {
        if (s_failure is not null)
            throw new InvalidOperationException(s_failure);
        var runtime = PythonRuntime.Current!;
        if (!runtime.IsPythonThread)
            throw new InvalidOperationException("import clr: pythonnet attaches only on the thread that runs snippets; import clr in a snippet first, then threads can use it");

        try
        {
            AttachPythonnet(runtime.Installation.Library, runtime.Installation.Version);
        }
        catch (Exception e)
        {
            // Also where a missing Python.Runtime.dll lands: the JIT throws as it compiles AttachPythonnet.
            s_failure = $"import clr: pythonnet could not attach to Python {runtime.Installation.Version}: {e.GetType().Name}: {e.Message}";
            HideHalfMadeModules();
            throw new InvalidOperationException(s_failure, e);
        }
        if (Interop.PyGILState_Check() != 1)
        {
            // Never seen: pythonnet would have given away the GIL this thread must hold to go on.
            s_failure = "import clr: pythonnet attached but released the Python thread's GIL";
            throw new InvalidOperationException(s_failure);
        }
        var clr = Interop.PyDict_GetItemString(Interop.PyImport_GetModuleDict(), "clr");
        if (clr == 0)
        {
            s_failure = "import clr: pythonnet attached but made no clr module";
            throw new InvalidOperationException(s_failure);
        }
        Interop.Py_IncRef(clr);
        return clr;
    }

    /// <summary>
    /// After a failed attach: takes what pythonnet already put in sys.modules out, so that the next
    /// <c>import clr</c> asks us again (and hears why not). The modules are kept alive, never
    /// freed: their deallocation would call into a pythonnet that is half set up.
    /// </summary>
    private static void HideHalfMadeModules()
    {
        var modules = Interop.PyImport_GetModuleDict();
        foreach (var name in new[] { "clr", "CLR" })
        {
            var module = Interop.PyDict_GetItemString(modules, name);
            if (module == 0)
                continue;
            Interop.Py_IncRef(module); // leaked on purpose
            if (Interop.PyDict_DelItemString(modules, name) != 0)
                Interop.PyErr_Clear();
        }
    }

    /// <summary>The one method that names pythonnet's types: compiling it loads Python.Runtime.dll.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AttachPythonnet(string library, Version version)
    {
        if (!PythonEngine.IsSupportedVersion(version))
            throw new NotSupportedException($"this pythonnet supports Python {PythonEngine.MinSupportedVersion} to {PythonEngine.MaxSupportedVersion}");
        var onExit = typeof(PythonEngine).GetMethod("OnProcessExit", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException("this pythonnet has no PythonEngine.OnProcessExit to unsubscribe (see DotnetBridge)");
        // The libpython we dlopened: pythonnet's dlopen of the same path gets the same handle.
        PythonnetRuntime.PythonDLL = library;
        try
        {
            // With Python running this attaches; sys.argv and the signal handlers stay ours.
            PythonEngine.Initialize(setSysArgv: false, initSigs: false);
        }
        finally
        {
            // Also after a failure: Initialize may have subscribed before it failed.
            AppDomain.CurrentDomain.ProcessExit -= (EventHandler)Delegate.CreateDelegate(typeof(EventHandler), onExit);
        }
    }
}
