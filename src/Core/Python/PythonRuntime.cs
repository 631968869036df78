using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Bufferscope.Core.Native;

namespace Bufferscope.Core.Python;

/// <summary>
/// The embedded interpreter and the one thread that runs it.
///
/// Threading rules:
/// - CPython is initialised once per process, on a dedicated thread; every piece of Python work
///   .NET starts runs there, from a queue (<see cref="RunAsync{T}"/>). Python threads a user
///   starts may run too: they take the GIL from us whenever we release it.
/// - While the queue is empty the thread releases the GIL (PyEval_SaveThread); otherwise any other
///   thread's PyGILState_Ensure, and every Python thread a snippet started, would block for ever.
/// - A task <see cref="RunAsync{T}"/> returns completes on this thread once the GIL is released,
///   and what awaits it runs on there up to its next await: the answer to a console run is sent
///   from here, not after waking a pool thread (a wake costs ~0.5 ms on a small VM, a quarter of
///   a run). So no continuation may block waiting for Python: that would wait for itself.
/// - Decrefs asked for without the GIL (finaliser, request threads) are queued to this thread.
/// - A snippet is interrupted by SIGUSR1 sent to this thread with pthread_kill: .NET owns SIGINT,
///   so PyErr_SetInterrupt does nothing here; the signal wakes sleep/select/wait within 1 ms too.
/// </summary>
public sealed class PythonRuntime
{
    private static readonly Lock s_startLock = new();
    private static PythonRuntime? s_instance;

    private readonly BlockingCollection<Action> _work = new();
    private readonly Queue<Action> _completions = new(); // Python thread only
    private readonly ConcurrentQueue<nint> _pendingDecRefs = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _drainScheduled;
    private nuint _pthread;
    private readonly Lock _signalLock = new();
    private long _interruptTarget;
    private int _interruptReason; // an InterruptReason, read by the SIGUSR1 handler with the target
    private long _currentRun;
    private volatile bool _finalized;

    public PythonInstallation Installation { get; }

    private PythonRuntime(PythonInstallation installation)
    {
        Installation = installation;
        // CPython's recursion limit assumes a main-thread-sized stack.
        _thread = new Thread(ThreadMain, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = "Python" };
    }

    /// <summary>The running interpreter, or null before <see cref="Start"/>.</summary>
    public static PythonRuntime? Current => Volatile.Read(ref s_instance);

    /// <summary>
    /// Starts the interpreter once per process; later calls return the same runtime (a second
    /// host in one process, as tests do, shares it). Asking for another executable is an error.
    /// <paramref name="installation"/>, when it is the options' executable already probed (a
    /// kernel gets it from the server), saves running the interpreter once to ask what it is.
    /// </summary>
    public static PythonRuntime Start(PythonOptions options, PythonInstallation? installation = null)
    {
        lock (s_startLock)
        {
            if (s_instance is { } running)
            {
                if (running._finalized)
                    throw new PythonStartException("Python was shut down in this process and cannot be started again.");
                if (!SamePath(options.Executable, running.Installation.Executable))
                    throw new PythonStartException($"Python from '{running.Installation.Executable}' is already running in this process; it cannot also load '{options.Executable}'.");
                return running;
            }
            var runtime = new PythonRuntime(installation is not null && SamePath(installation.Executable, options.Executable)
                ? installation
                : PythonInstallation.Probe(options.Executable));
            runtime._thread.Start();
            runtime._started.Task.GetAwaiter().GetResult();
            s_instance = runtime;
            return runtime;
        }
    }

    internal bool IsPythonThread => Environment.CurrentManagedThreadId == _thread.ManagedThreadId;

    /// <summary>Runs <paramref name="work"/> on the Python thread with the GIL held.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>();
        Post(() =>
        {
            try
            {
                var result = work();
                _completions.Enqueue(() => done.SetResult(result));
            }
            catch (Exception e) { _completions.Enqueue(() => done.SetException(e)); }
        });
        return done.Task;
    }

    public Task RunAsync(Action work) => RunAsync(() => { work(); return true; });

    private void Post(Action item)
    {
        try { _work.Add(item); }
        catch (InvalidOperationException) { throw new ObjectDisposedException(nameof(PythonRuntime), "Python has been shut down."); }
    }

    /// <summary>Decref with the GIL when this thread holds it, else on the Python thread soon.</summary>
    internal static void DecRef(nint o)
    {
        var runtime = Current;
        if (runtime is null || runtime._finalized)
            return; // The interpreter is gone, and the object with it.
        if (Interop.PyGILState_Check() == 1)
        {
            Interop.Py_DecRef(o);
            return;
        }
        runtime._pendingDecRefs.Enqueue(o);
        if (Interlocked.Exchange(ref runtime._drainScheduled, 1) == 0)
        {
            try { runtime._work.Add(runtime.DrainDecRefs); }
            catch (InvalidOperationException) { } // Shutting down: finalisation frees everything.
        }
    }

    private void DrainDecRefs()
    {
        Volatile.Write(ref _drainScheduled, 0);
        while (_pendingDecRefs.TryDequeue(out var o))
            Interop.Py_DecRef(o);
    }

    // ---- interrupting -------------------------------------------------------------------------

    private long _serverRuns;

    /// <summary>
    /// A run id for work the server itself starts (a check's case, a workbench request): negative,
    /// so never one of the console's, and never one another such run has had, so an interrupt
    /// meant for one can never reach the next.
    /// </summary>
    internal long NewServerRunId() => -Interlocked.Increment(ref _serverRuns);

    /// <summary>Marks the start of run <paramref name="runId"/> (Python thread only).</summary>
    internal void BeginRun(long runId) => Volatile.Write(ref _currentRun, runId);

    internal void EndRun()
    {
        Volatile.Write(ref _currentRun, 0);
        Volatile.Write(ref _interruptTarget, 0);
    }

    /// <summary>
    /// Interrupts run <paramref name="runId"/> if it is still the one running: the SIGUSR1 handler
    /// raises KeyboardInterrupt only when the target matches, so a late signal never hits the next
    /// run, and its message says <paramref name="reason"/> (a person asked, or the time limit).
    /// </summary>
    internal void Interrupt(long runId, InterruptReason reason)
    {
        if (runId == 0)
            return;
        // Under the lock the thread takes before Py_FinalizeEx: finalisation puts SIGUSR1 back to
        // its default action, which ends the process (exit 138), so no signal may be sent after it.
        lock (_signalLock)
        {
            // The reason before the target: the handler reads the target first, then this.
            Volatile.Write(ref _interruptReason, (int)reason);
            Volatile.Write(ref _interruptTarget, runId);
            if (!_finalized && Volatile.Read(ref _currentRun) == runId)
                LibC.pthread_kill(_pthread, LibC.SIGUSR1);
        }
    }

    /// <summary>The SIGUSR1 handler's question: the message to interrupt with (str), or None when the signal is not for this run.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe nint TakeInterrupt(nint self, nint unused)
    {
        var runtime = Current!;
        var target = Volatile.Read(ref runtime._interruptTarget);
        if (target == 0 || target != Volatile.Read(ref runtime._currentRun))
            return Builtins.NewNone();
        Volatile.Write(ref runtime._interruptTarget, 0);
        // NULL with the error set if the str cannot be made: the handler then raises that instead.
        var message = ((InterruptReason)Volatile.Read(ref runtime._interruptReason)).Utf8Message();
        fixed (byte* p = message)
            return Interop.PyUnicode_FromStringAndSize(p, message.Length);
    }

    // ---- the thread ---------------------------------------------------------------------------

    private void ThreadMain()
    {
        nint threadState;
        try
        {
            Initialize();
            threadState = Interop.PyEval_SaveThread();
            _started.SetResult();
        }
        catch (Exception e)
        {
            _started.SetException(e is PythonStartException ? e : new PythonStartException($"Python failed to start: {e.Message}", e));
            return;
        }

        foreach (var item in _work.GetConsumingEnumerable())
        {
            Interop.PyEval_RestoreThread(threadState);
            item();
            // Run what else is queued before giving the GIL back: one switch per burst, not per item.
            while (_work.TryTake(out var next))
                next();
            DrainDecRefs();
            threadState = Interop.PyEval_SaveThread();
            while (_completions.TryDequeue(out var complete))
                complete();
        }

        Interop.PyEval_RestoreThread(threadState);
        DrainDecRefs();
        lock (_signalLock)
            _finalized = true;
        Interop.Py_FinalizeEx();
        _stopped.TrySetResult();
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    private unsafe void Initialize()
    {
        var layout = PyConfigLayout.For(Installation.Version)!;
        Interop.Bind(NativeLibraryLoader.LoadGlobal(Installation.Library));
        if (Interop.Py_IsInitialized() != 0)
            throw new PythonStartException("libpython is already initialised in this process by someone else.");

        _pthread = LibC.pthread_self();
        // An isolated config ignores PYTHON* variables and the user site, and installs no SIGINT
        // handler (.NET keeps it). program_name fixes the prefix: without it Python derives its
        // home from the python3 on PATH and can mix another build's stdlib.
        var config = (byte*)NativeMemory.AlignedAlloc((nuint)layout.Size, 16);
        try
        {
            Interop.PyConfig_InitIsolatedConfig(config);
            Check(Interop.PyConfig_SetBytesString(config, (nint*)(config + layout.ProgramName), Installation.Executable), "setting program_name");
            Check(Interop.Py_InitializeFromConfig(config), "Py_InitializeFromConfig");
        }
        finally
        {
            Interop.PyConfig_Clear(config);
            NativeMemory.AlignedFree(config);
        }

        Builtins.Load();
        var helpers = LoadModule("_bufferscope_runtime", "runtime.py");
        PythonErrors.UseFormatter(Interop.PyObject_GetAttrString(helpers, "describe_exception"));
        InstallInterruptHandler(helpers);
        DotnetBridge.Install(); // a finder for `import clr`; pythonnet itself loads on the first one only
    }

    private static void Check(Interop.PyStatus status, string step)
    {
        if (Interop.PyStatus_Exception(status) != 0)
            throw new PythonStartException($"Python failed to initialise ({step}): {status.Message}");
    }

    private static unsafe void InstallInterruptHandler(nint helpers)
    {
        var take = NativeFunction.Create("take_interrupt", &TakeInterrupt, MethodFlags.METH_NOARGS);
        Interop.Py_DecRef(PyConvert.CallMethod(helpers, "install_interrupt_handler", take));
        Interop.Py_DecRef(take);
    }

    /// <summary>
    /// Runs an embedded script as a module registered in sys.modules; returns a borrowed
    /// reference (sys.modules keeps it). Python thread only.
    /// </summary>
    internal static nint LoadModule(string name, string script, Action<nint>? beforeExec = null)
    {
        using var stream = typeof(PythonRuntime).Assembly.GetManifestResourceStream(script)
            ?? throw new InvalidOperationException($"embedded script {script} is missing");
        var source = new StreamReader(stream).ReadToEnd();
        var module = PyConvert.Check(Interop.PyModule_New(name));
        var globals = Interop.PyModule_GetDict(module);
        // As the import system does: C code that imports (PyImport_ImportModule) while one of
        // these modules' functions runs looks __builtins__ up in its globals (pythonnet does).
        if (Interop.PyDict_SetItemString(globals, "__builtins__", Interop.PyEval_GetBuiltins()) != 0)
            throw PythonErrors.Fetch();
        beforeExec?.Invoke(module);
        var code = PyConvert.Check(Interop.Py_CompileString(source, $"<bufferscope:{script}>", Interop.Py_file_input));
        try { Interop.Py_DecRef(PyConvert.Check(Interop.PyEval_EvalCode(code, globals, globals))); }
        finally { Interop.Py_DecRef(code); }
        if (Interop.PyDict_SetItemString(Interop.PyImport_GetModuleDict(), name, module) != 0)
            throw PythonErrors.Fetch();
        Interop.Py_DecRef(module);
        return Interop.PyDict_GetItemString(Interop.PyImport_GetModuleDict(), name);
    }

    /// <summary>
    /// Stops taking work, finishes what is queued, finalises Python. Waits at most
    /// <paramref name="timeout"/>: a user's non-daemon thread can keep finalisation waiting.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan timeout)
    {
        _work.CompleteAdding();
        // Only a snippet still running is interrupted: with none, the thread is already on its way out.
        Interrupt(Volatile.Read(ref _currentRun), InterruptReason.Shutdown);
        await Task.WhenAny(_stopped.Task, Task.Delay(timeout)).ConfigureAwait(false);
    }
}
