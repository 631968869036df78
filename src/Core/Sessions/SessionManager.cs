using System.Collections.Concurrent;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Live;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Sessions;

/// <summary>
/// Sessions, their buffers and their consoles. This is the session boundary: every method is
/// async or lock-free, and takes and returns serialisable records, never a Python object, so
/// sessions can later move to their own processes behind the same calls.
/// </summary>
public sealed class SessionManager
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly PythonRuntime _python;
    private readonly ExporterFactory _factory;
    private readonly ExporterRegistry _registry;
    private readonly EventFeed _feed;
    private readonly BufferscopeOptions _options;
    private readonly Lock _createLock = new();
    private nint _console;
    private long _runTokens;

    /// <summary>The session whose snippet is running on the Python thread, so MemBufs made there join it.</summary>
    internal string? Running { get; private set; }

    // The interrupt token of the run in progress (0 when none), so an interrupt asked for one
    // session never stops another session's snippet.
    private long _runningToken;

    internal SessionManager(PythonRuntime python, ExporterFactory factory, ExporterRegistry registry, EventFeed feed, BufferscopeOptions options)
    {
        _python = python;
        _factory = factory;
        _registry = registry;
        _feed = feed;
        _options = options;
    }

    /// <summary>Loads the console helpers. Python thread.</summary>
    internal void Install() => _console = PyConvert.Check(Interop.PyObject_GetAttrString(
        PythonRuntime.LoadModule("_bufferscope_console", "console.py"), "run"));

    // ---- sessions -----------------------------------------------------------------------------

    public Task<SessionInfo> CreateAsync(string? name) => CreateAsync(name, null);

    /// <summary>A session with the id given: a kernel's one session takes the server's id for it.</summary>
    internal async Task<SessionInfo> CreateAsync(string? name, string? id)
    {
        var limits = _options.Limits;
        SessionInfo.CheckName(name, limits);
        var globals = await _python.RunAsync(() =>
        {
            var dict = PyObjectHandle.Steal(Interop.PyDict_New());
            PyConvert.SetItem(dict.Pointer, "__name__", PyConvert.FromString("__main__"));
            PyConvert.SetItem(dict.Pointer, "__builtins__", PyConvert.Check(Interop.PyImport_ImportModule("builtins")));
            PyConvert.SetItem(dict.Pointer, "bufferscope", PyConvert.Check(Interop.PyImport_ImportModule("bufferscope")));
            return dict;
        }).ConfigureAwait(false);
        lock (_createLock)
        {
            if (_sessions.Count >= limits.MaxSessions)
            {
                globals.Dispose();
                throw new LimitExceededException($"there are already {Plural.Count(_sessions.Count, "session")}, the most allowed (Bufferscope:Limits:MaxSessions); delete one first");
            }
            var session = new Session(id ?? Guid.NewGuid().ToString("n")[..12], name, globals);
            _sessions[session.Id] = session;
            return session.Info;
        }
    }

    public IReadOnlyList<SessionInfo> List() => [.. _sessions.Values.OrderBy(s => s.CreatedAt).Select(s => s.Info)];

    public SessionInfo Get(string sessionId) => Find(sessionId).Info;

    /// <summary>
    /// Deletes a session. Refused while any of its buffers has live exports, unless
    /// <paramref name="force"/>: then the namespace is cleared first (dropping every view it held)
    /// and buffers still exported from elsewhere live on until their views go.
    /// </summary>
    public async Task DeleteAsync(string sessionId, bool force = false)
    {
        var session = Find(sessionId);
        await _python.RunAsync(() =>
        {
            var live = _registry.OfSession(sessionId).Sum(e => e.Exports);
            if (live > 0 && !force)
                throw new BufferLifetimeException($"session '{session.Name}' has buffers with {Plural.Count(live, "live export")}; release them, or delete with force", live);
            Interop.Py_DecRef(PyConvert.CallMethod(session.Globals.Pointer, "clear"));
            using (var gc = PyObjectHandle.Steal(Interop.PyImport_ImportModule("gc")))
                Interop.Py_DecRef(PyConvert.CallMethod(gc.Pointer, "collect")); // views in reference cycles go now, not at some later collection
            foreach (var exporter in _registry.OfSession(sessionId))
                if (exporter.Exports == 0) exporter.Free();
            session.Deleted = true;
            _sessions.TryRemove(sessionId, out _);
            session.Globals.Dispose();
        }).ConfigureAwait(false);
    }

    /// <summary>The session's namespace (borrowed), for code the server runs in it (a check's target). Python thread.</summary>
    internal nint GlobalsOf(string sessionId) => Find(sessionId).Globals.Pointer;

    private Session Find(string sessionId) =>
        _sessions.TryGetValue(sessionId ?? "", out var s) ? s : throw new NotFoundException($"no session with id '{sessionId}'");

    // ---- buffers ------------------------------------------------------------------------------

    /// <summary>Creates a buffer and binds it to <see cref="BufferSpec.Name"/> in the session's namespace.</summary>
    public async Task<BufferDescriptor> CreateBufferAsync(string sessionId, BufferSpec spec)
    {
        var session = Find(sessionId);
        return await _python.RunAsync(() =>
        {
            if (string.IsNullOrEmpty(spec.Name) || !IsIdentifier(spec.Name))
                throw new BufferSpecException("name", $"buffer name '{spec.Name}' must be a Python identifier (letters, digits, _; not starting with a digit; not a keyword), e.g. \"frame\"");
            if (Interop.PyDict_GetItemString(session.Globals.Pointer, spec.Name) != 0)
                throw new BufferSpecException("name", $"'{spec.Name}' is already bound in session '{session.Name}'; pick another name or delete that buffer first");
            var count = _registry.OfSession(sessionId).Count;
            if (count >= _options.Limits.MaxBuffersPerSession)
                throw new LimitExceededException($"session '{session.Name}' already has {Plural.Count(count, "buffer")}, the most allowed (Bufferscope:Limits:MaxBuffersPerSession)");
            var exporter = _factory.Create(spec, sessionId: sessionId);
            // The namespace takes the only reference: unbinding the name (del, free) ends the buffer.
            PyConvert.SetItem(session.Globals.Pointer, spec.Name, ExporterType.Wrap(exporter));
            return BufferDescriptor.Of(exporter);
        }).ConfigureAwait(false);
    }

    private static bool IsIdentifier(string name)
    {
        var s = PyConvert.FromString(name);
        try
        {
            if (!PyConvert.CallPredicate(s, "isidentifier"))
                return false;
            using var keyword = PyObjectHandle.Steal(Interop.PyImport_ImportModule("keyword"));
            return !PyConvert.CallPredicate(keyword.Pointer, "iskeyword", s);
        }
        finally { Interop.Py_DecRef(s); }
    }

    /// <summary>Every live buffer of the session, those made in Python with bufferscope.MemBuf included.</summary>
    public IReadOnlyList<BufferDescriptor> ListBuffers(string sessionId)
    {
        Find(sessionId);
        return [.. _registry.OfSession(sessionId).Select(BufferDescriptor.Of)];
    }

    public BufferDescriptor GetBuffer(string sessionId, long bufferId) => BufferDescriptor.Of(FindBuffer(sessionId, bufferId));

    /// <summary>Frees a buffer: refused (BufferLifetimeException with the count) while exported; unbinds its name.</summary>
    public async Task FreeBufferAsync(string sessionId, long bufferId)
    {
        var session = Find(sessionId);
        var exporter = FindBuffer(sessionId, bufferId);
        await _python.RunAsync(() =>
        {
            exporter.Free();
            var bound = Interop.PyDict_GetItemString(session.Globals.Pointer, exporter.Name);
            if (bound != 0 && bound == exporter.PythonObject)
                Interop.PyDict_DelItemString(session.Globals.Pointer, exporter.Name);
        }).ConfigureAwait(false);
    }

    public byte[] ReadMemory(string sessionId, long bufferId, long offset, int length)
    {
        var bytes = new byte[length];
        FindBuffer(sessionId, bufferId).Read(offset, bytes);
        return bytes;
    }

    public Live.Picture Picture(string sessionId, long bufferId, int width, int height) =>
        FindBuffer(sessionId, bufferId).Picture(width, height);

    /// <summary>A server-side write: pushed like any other change.</summary>
    public void WriteMemory(string sessionId, long bufferId, long offset, ReadOnlySpan<byte> data)
    {
        var exporter = FindBuffer(sessionId, bufferId);
        exporter.Write(offset, data);
        _feed.Publish(new BufferEvent(BufferEventKind.MemoryWritten, sessionId, exporter.Id, exporter.Exports, null, CoarseClock.Now)
        {
            BufferName = exporter.Name,
            Offset = offset,
            Length = data.Length,
        });
    }

    internal Exporter FindBuffer(string sessionId, long bufferId)
    {
        Find(sessionId);
        var exporter = _registry.Get(bufferId);
        return exporter is not null && exporter.SessionId == sessionId
            ? exporter
            : throw new NotFoundException($"no buffer with id {bufferId} in session '{sessionId}'");
    }

    // ---- console ------------------------------------------------------------------------------

    /// <summary>
    /// Runs a snippet in the session's namespace. Past <paramref name="timeout"/> (default
    /// Bufferscope:Python:RunTimeout) it is interrupted, even in time.sleep, and reported as timed
    /// out; SystemExit is reported like any error. <paramref name="n"/> is the number its prompt
    /// shows, In [n]: its tracebacks and the origins of its exports name it so (the server numbers
    /// a session's runs across its kernels; by default, this session's own count).
    /// </summary>
    public async Task<ConsoleResult> RunAsync(string sessionId, string? code, TimeSpan? timeout = null, long? n = null)
    {
        var session = Find(sessionId);
        code ??= "";
        if (code.Length > _options.Limits.MaxCodeLength)
            throw new LimitExceededException($"code is {code.Length} characters; at most {_options.Limits.MaxCodeLength} are allowed (Bufferscope:Limits:MaxCodeLength)");
        var limit = timeout ?? _options.Python.RunTimeout;
        var runId = session.NextRun();
        var cell = n ?? runId;
        var result = await _python.RunAsync(() =>
        {
            var named = new List<BufferDescriptor>();
            return Run(session, code, runId, cell, limit, named) with { Named = named, N = cell };
        }).ConfigureAwait(false);
        _feed.Publish(new BufferEvent(BufferEventKind.ConsoleRan, sessionId, null, null, null, CoarseClock.Now) { Run = result });
        return result;
    }

    /// <summary>
    /// Interrupts the session's running snippet (KeyboardInterrupt, as Ctrl+C would). Returns
    /// false when none of its snippets is running. Any thread.
    /// </summary>
    public bool Interrupt(string sessionId)
    {
        var session = Find(sessionId);
        var token = Volatile.Read(ref _runningToken);
        if (token == 0 || Running != session.Id)
            return false;
        _python.Interrupt(token, InterruptReason.Asked);
        return true;
    }

    /// <summary>
    /// A MemBuf made in Python without name= takes the first name it is bound to in the
    /// namespace, so <c>frame = bufferscope.MemBuf(...)</c> is listed as "frame"; its
    /// bufferCreated is told again with the name, so a client's list needs no reload. Python thread.
    /// </summary>
    private unsafe void NameUnnamedBuffers(Session session, List<BufferDescriptor> named)
    {
        nint position = 0, key, value;
        var globals = session.Globals.Pointer;
        while (Interop.PyDict_Next(globals, &position, &key, &value) != 0)
        {
            if (ExporterType.Unwrap(value) is { HasName: false } exporter && exporter.SessionId == session.Id)
            {
                try { exporter.Name = PyConvert.ToString(key); }
                catch (PythonException) { continue; } // a non-str key someone put in globals()
                exporter.HasName = true;
                var created = Live.BufferEvent.Created(exporter);
                named.Add(created.Buffer!);
                _feed.Publish(created);
            }
        }
    }

    private ConsoleResult Run(Session session, string code, long runId, long cell, TimeSpan limit, List<BufferDescriptor> named)
    {
        if (session.Deleted)
            throw new NotFoundException($"session '{session.Name}' was deleted");
        var interrupted = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        // Run ids count per session; the interrupt needs one unique across sessions.
        var token = Interlocked.Increment(ref _runTokens);
        _python.BeginRun(token);
        Running = session.Id;
        Volatile.Write(ref _runningToken, token);
        // The watchdog signals again every 200 ms, in case the snippet catches the first interrupt.
        using var watchdog = new Timer(_ => { Interlocked.Exchange(ref interrupted, 1); _python.Interrupt(token, InterruptReason.TimeLimit); },
            null, limit, TimeSpan.FromMilliseconds(200));
        nint outcome;
        try
        {
            var codeObject = PyConvert.FromString(code);
            // IPython's name for a cell: tracebacks say File "In [3]", line 2; origins In [3]:2.
            var filename = PyConvert.FromString(ExportOrigin.CellFile(cell));
            var outputLimit = PyConvert.FromLong(_options.Limits.MaxOutputChars);
            using var stream = ConsoleStream.Begin(_feed, session.Id, cell);
            try { outcome = PyConvert.Call(_console, codeObject, session.Globals.Pointer, filename, outputLimit, ConsoleStream.Sink()); }
            finally
            {
                Interop.Py_DecRef(codeObject);
                Interop.Py_DecRef(filename);
                Interop.Py_DecRef(outputLimit);
            }
        }
        catch (PythonException e) when (e.PythonType == "KeyboardInterrupt")
        {
            // The interrupt landed in the runner itself, just before or after the snippet: it timed
            // out only if the watchdog sent it; otherwise someone interrupted it (seen in CI: an
            // interrupt asked as the run began was reported as a time-out).
            var timedOut = Volatile.Read(ref interrupted) == 1;
            return new ConsoleResult(false, "", "", null, new ConsoleError(e.PythonType, e.PythonMessage, e.PythonTraceback),
                Math.Round(started.Elapsed.TotalMilliseconds, 3), timedOut)
            { SessionId = session.Id, RunId = runId };
        }
        finally
        {
            watchdog.Dispose();
            Volatile.Write(ref _runningToken, 0);
            _python.EndRun();
            Running = null;
            NameUnnamedBuffers(session, named);
        }
        try
        {
            var error = Interop.PyTuple_GetItem(outcome, 4);
            ConsoleError? consoleError = error == Builtins.None ? null : new ConsoleError(
                PyConvert.ToString(Interop.PyTuple_GetItem(error, 0)),
                PyConvert.ToString(Interop.PyTuple_GetItem(error, 1)),
                PyConvert.ToString(Interop.PyTuple_GetItem(error, 2)));
            var result = Interop.PyTuple_GetItem(outcome, 3);
            var timedOut = Volatile.Read(ref interrupted) == 1 && consoleError?.Type == "KeyboardInterrupt";
            return new ConsoleResult(
                Ok: consoleError is null,
                Stdout: PyConvert.ToString(Interop.PyTuple_GetItem(outcome, 1)),
                Stderr: PyConvert.ToString(Interop.PyTuple_GetItem(outcome, 2)),
                Result: result == Builtins.None ? null : PyConvert.ToString(result),
                Error: consoleError,
                DurationMs: Math.Round(PyConvert.ToDouble(Interop.PyTuple_GetItem(outcome, 5)), 3),
                TimedOut: timedOut)
            { SessionId = session.Id, RunId = runId };
        }
        finally { Interop.Py_DecRef(outcome); }
    }

}
