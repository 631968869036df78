using System.Collections.Concurrent;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The server's sessions, each a kernel process of its own (Jupyter's model): the same calls and
/// records as <see cref="SessionManager"/>, which runs inside each kernel, so a crash, a hang or
/// sabotage in one session's code costs that kernel only. This process loads no libpython.
///
/// Rules:
/// - A session's id is the server's; its kernel's buffer ids start at its ordinal ×
///   <see cref="IdsPerKernel"/>, so an id alone names a buffer across all sessions.
/// - Each kernel's changes arrive as batches, in order; they update the buffer mirrors, then go
///   out on <see cref="Events"/>, which fans them out to subscribers exactly as Core's feed does.
/// - Native buffers live in files under the session's memory directory (tmpfs), mapped by the
///   kernel and, for watching, here: <see cref="BufferMirror"/>.
/// - A kernel that dies is noticed at once (its process exit); its session stays, its buffers
///   mirrored as they were, and every later call says that the kernel died and how.
/// - Sessions outlive the server (<see cref="SessionStore"/>): each session, its interpreter, its
///   buffers as last described and its console history are kept in the data directory as they
///   change. At a stop the kernels end and the native buffers' files are saved from tmpfs to the
///   data directory (their data only, never their holes); at the next start each session comes
///   back with its id, a fresh kernel and its buffers bound again over that memory. Until its
///   kernel is back a session says "restarting", and calls on it wait for it.
/// - Deleting a session ends its kernel (shutdown, then kill) and removes its files and rows;
///   stopping ends every kernel and leaves nothing on tmpfs. No kernel outlives the server.
/// </summary>
public sealed class KernelSessions : IAsyncDisposable
{
    public const long IdsPerKernel = 1_000_000_000;
    private readonly ConcurrentDictionary<string, KernelSession> _sessions = new();
    private readonly BufferscopeOptions _options;
    private readonly string _runDirectory;
    private readonly string _memoryRoot;
    private readonly string _memoryDirectory;
    private readonly string _savedDirectory;
    private readonly SessionStore _store;
    private readonly Lock _createLock = new();
    private int _starting;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    /// <summary>Runs kept in a session's history; older ones are dropped.</summary>
    public const int MaxHistory = 10_000;

    /// <summary>Sessions whose kernels <paramref name="launcher"/> starts (null: child processes of this server, running <paramref name="command"/>).</summary>
    public KernelSessions(BufferscopeOptions options, KernelCommand command, Interpreters interpreters, IKernelLauncher? launcher = null)
    {
        _options = options;
        Interpreters = interpreters;
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        // Made owner-only when it is made here: the store holds every snippet users ran.
        Directory.CreateDirectory(options.DataDirectoryPath, ownerOnly);
        _runDirectory = Directory.CreateDirectory(Path.Combine(options.DataDirectoryPath, "run"), ownerOnly).FullName;
        // One directory per data directory, so servers sharing the root (tests) never touch each
        // other's files, and a server killed outright finds its sessions' memory again at its next start.
        _memoryRoot = Directory.CreateDirectory(options.Kernels.MemoryDirectoryPath, ownerOnly).FullName;
        var data = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(options.DataDirectoryPath)))[..16];
        RemoveOrphans(_memoryRoot);
        _memoryDirectory = Directory.CreateDirectory(Path.Combine(_memoryRoot, $"data-{data}"), ownerOnly).FullName;
        File.WriteAllText(Path.Combine(_memoryDirectory, OwnerFile), options.DataDirectoryPath);
        _savedDirectory = Directory.CreateDirectory(Path.Combine(options.DataDirectoryPath, "sessions"), ownerOnly).FullName;
        _store = new SessionStore(options.DataDirectoryPath);
        Events = new EventFeed(options.FrameInterval);
        _launcher = launcher ?? new LocalKernelLauncher(command, _runDirectory, options);
        _pool = new KernelPool(async () =>
        {
            var kernel = await _launcher.StartAsync(interpreters.Default).ConfigureAwait(false);
            // Each call a new session makes first, once through the socket: in a fresh process the
            // first call of a method costs ~40 ms of JIT (its dispatch, its arguments' and answer's
            // formatters), far more than its work. Those needing a session are refused, which is
            // enough for their dispatch. Measured: create p50 53 -> 21 ms.
            try
            {
                await kernel.Kernel.WarmUpAsync(CancellationToken.None).ConfigureAwait(false);
                await Refused(kernel.Kernel.OpenSessionAsync("", "", null, 0, CancellationToken.None)).ConfigureAwait(false);
                await Refused(kernel.Kernel.RunAsync("", 0, CancellationToken.None)).ConfigureAwait(false);
                await Refused(kernel.Kernel.ListBuffersAsync(CancellationToken.None)).ConfigureAwait(false);
            }
            catch (Exception e) when (KernelFault.Covers(e) || e is StreamJsonRpc.ConnectionLostException or StreamJsonRpc.RemoteInvocationException) { } // a cold kernel still works
            return kernel;
        }, options.Kernels.Warm);
        Restored = RestoreAllAsync(Load());
    }

    /// <summary>A call expected to be refused (a warm-up's dry run): its refusal is the point.</summary>
    private static async Task Refused(Task call)
    {
        try { await call.ConfigureAwait(false); }
        catch (Exception e) when (KernelFault.Covers(e)) { }
    }

    private const string OwnerFile = "data-directory";

    /// <summary>
    /// The memory folders of servers that were killed outright and whose data directory is gone
    /// since (a test's, a benchmark's): nothing can ever bring those sessions back, so their
    /// tmpfs files would hold RAM until a reboot.
    /// </summary>
    private static void RemoveOrphans(string memoryRoot)
    {
        foreach (var folder in Directory.GetDirectories(memoryRoot, "data-*"))
        {
            var owner = Path.Combine(folder, OwnerFile);
            try
            {
                // No owner file yet: a server starting this moment. Leave it.
                if (File.Exists(owner) && File.ReadAllText(owner) is { Length: > 0 } data && !Directory.Exists(data))
                    Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another server's, in use: leave it
        }
    }

    /// <summary>Completes when every stored session has its kernel again (or was given up, with a warning).</summary>
    public Task Restored { get; }

    /// <summary>What went wrong bringing stored sessions back; each also stays in the store for the next start.</summary>
    public IReadOnlyList<string> RestoreWarnings => _restoreWarnings;
    private readonly List<string> _restoreWarnings = [];

    private readonly KernelPool _pool;
    private readonly IKernelLauncher _launcher;

    /// <summary>What sessions may run on; the warm pool holds kernels of the default only.</summary>
    public Interpreters Interpreters { get; }

    /// <summary>Every session's changes; subscribe per session.</summary>
    public EventFeed Events { get; }

    // ---- sessions -----------------------------------------------------------------------------

    /// <summary>A session named <paramref name="name"/>, its kernel on <paramref name="python"/> (an allowed interpreter's path; null: the default).</summary>
    public async Task<SessionInfo> CreateAsync(string? name, string? python = null)
    {
        var limits = _options.Limits;
        SessionInfo.CheckName(name, limits);
        var installation = Interpreters.Resolve(python);
        lock (_createLock)
        {
            if (_sessions.Count + _starting >= limits.MaxSessions)
                throw new LimitExceededException($"there are already {Plural.Count(_sessions.Count + _starting, "session")}, the most allowed (Bufferscope:Limits:MaxSessions); delete one first");
            _starting++;
        }
        try
        {
            var info = new SessionInfo(Guid.NewGuid().ToString("n")[..12], name, DateTimeOffset.UtcNow);
            var session = new KernelSession(info, Path.Combine(_memoryDirectory, info.Id), installation);
            await StartKernelAsync(session).ConfigureAwait(false);
            _store.AddSession(info, installation.Executable);
            _sessions[info.Id] = session;
            return info;
        }
        finally
        {
            lock (_createLock) _starting--;
        }
    }

    /// <summary>A new kernel for the session, with a fresh range of buffer ids (old ids never name a new buffer).</summary>
    private async Task StartKernelAsync(KernelSession session)
    {
        var ordinal = _store.Next("kernel_ordinal"); // kept across restarts: an old id never names a new buffer
        var kernel = session.Python == Interpreters.Default
            ? await _pool.TakeAsync().ConfigureAwait(false)
            : await _launcher.StartAsync(session.Python).ConfigureAwait(false);
        try { await kernel.Kernel.OpenSessionAsync(session.Id, session.Info.Name, session.MemoryDirectory, ordinal * IdsPerKernel, CancellationToken.None).ConfigureAwait(false); }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally { _pool.Refill(); }
        session.Ordinal = ordinal;
        session.KernelFromRun = Interlocked.Read(ref session.LastRun);
        session.Kernel = kernel;
        kernel.Changed += batch => OnChanged(session, batch);
        _ = kernel.Exited.ContinueWith(exit => OnKernelExited(session, kernel, exit.Result), TaskScheduler.Default);
        if (!session.Restarting)
            StateChanged(session); // a restart tells once, when it is done
    }

    /// <summary>A session was deleted (asked, or idle): what runs for it elsewhere (a check) ends too.</summary>
    public event Action<string>? Deleted;

    /// <summary>Where sessions' memory files are (tmpfs): a check's progress file goes there too.</summary>
    public string MemoryDirectory => _memoryDirectory;

    /// <summary>
    /// A kernel for a check on the session, apart from the session's own, so the code under test
    /// can crash or hang without harm: on the session's interpreter, with a scratch session set up
    /// by running again the console runs that succeeded since the session's kernel started (what
    /// made its namespace; their output is dropped, a run failing now is passed over). Its buffers
    /// are its own: nothing of it reaches the session's events.
    /// </summary>
    /// <param name="fromPool">Take the warm pool's kernel (a check's first): later ones are started
    /// here, without the pool's warm-up, which pays off for a session's first calls, not a check's.</param>
    public async Task<IKernelHandle> StartCheckKernelAsync(string sessionId, bool fromPool, CancellationToken cancellationToken)
    {
        var session = Find(sessionId, touch: false);
        var from = session.KernelFromRun;
        var setup = (await _store.HistoryAsync(session.Id, MaxHistory).ConfigureAwait(false)).Where(r => r.Ok && r.N > from).ToList();
        IKernelHandle kernel;
        if (fromPool && session.Python == Interpreters.Default)
        {
            kernel = await _pool.TakeAsync().ConfigureAwait(false);
            _pool.Refill();
        }
        else
            kernel = await _launcher.StartAsync(session.Python, cancellationToken).ConfigureAwait(false);
        try
        {
            await kernel.Kernel.OpenSessionAsync($"check-{Guid.NewGuid():n}", $"check of {session.Info.Name}", null, 0, cancellationToken).ConfigureAwait(false);
            foreach (var run in setup)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await kernel.RunAsync(run.Code, run.N, _options.Python.RunTimeout, _options.Kernels.KillGrace, cancellationToken).ConfigureAwait(false);
            }
            return kernel;
        }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The session's kernel now: what the session descriptor and kernelStateChanged carry.</summary>
    public KernelStatus Status(string sessionId) => Status(Find(sessionId, touch: false));

    private static KernelStatus Status(KernelSession session)
    {
        var kernel = session.Kernel;
        var state = session.Restarting ? "restarting"
            : kernel is null ? "starting"
            : kernel.Exited.IsCompleted ? "dead"
            : Volatile.Read(ref session.Running) > 0 ? "busy"
            : "idle";
        var hello = kernel?.Exited.IsCompleted == false ? kernel.Hello : null;
        return new KernelStatus(state, hello?.Pid, kernel?.Hello is { } h ? new KernelPython(h.PythonVersion, h.PythonExecutable) : null, session.LastExit);
    }

    private void StateChanged(KernelSession session) =>
        Events.Publish(new BufferEvent(BufferEventKind.KernelStateChanged, session.Id, null, null, null, CoarseClock.Now) { Kernel = Status(session) });

    /// <summary>
    /// A fresh kernel for the session (the old one, alive or not, is killed), with every buffer it
    /// had bound to its name again over the same memory: native buffers' files, mapped files and
    /// shared memory keep their bytes; managed ones died with their kernel and are listed as lost.
    /// The namespace is otherwise empty, as after a notebook's restart.
    /// </summary>
    public async Task<RestartResult> RestartAsync(string sessionId)
    {
        var session = Find(sessionId);
        await session.Ready.WaitAsync(ReadyTimeout).ConfigureAwait(false);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (session)
        {
            if (session.Restarting)
                throw new LimitExceededException($"session '{session.Info.Name}' is restarting already");
            session.Restarting = true;
            session.Ready = ready.Task;
        }
        StateChanged(session);
        try
        {
            var old = session.Kernel;
            old.Kill("restarted");
            await old.Exited.ConfigureAwait(false);
            await old.DisposeAsync().ConfigureAwait(false);
            foreach (var mirror in session.Mirrors.Values)
                mirror.Dispose();
            session.Mirrors.Clear();
            session.Exports.Clear(); // every view went with the old kernel
            Interlocked.Exchange(ref session.Running, 0);
            return await StartAndRebindAsync(session).ConfigureAwait(false);
        }
        finally
        {
            session.Restarting = false;
            ready.SetResult();
            StateChanged(session);
        }
    }

    /// <summary>A new kernel for the session, with every buffer it knew bound again to its name over the same memory.</summary>
    private async Task<RestartResult> StartAndRebindAsync(KernelSession session)
    {
        var known = session.Known.Values.OrderBy(d => d.Id).ToList();
        session.Known.Clear();
        session.FreedIds.Clear();
        // The old kernel's buffers are gone with it, ids and all: told as freed, before the new ones are created.
        foreach (var d in known)
            Events.Publish(new BufferEvent(BufferEventKind.BufferFreed, session.Id, d.Id, 0, null, CoarseClock.Now) { BufferName = d.Name });
        await StartKernelAsync(session).ConfigureAwait(false);
        var rebound = new List<BufferDescriptor>();
        var lost = new List<string>();
        foreach (var before in known)
        {
            if (Rebind(before, session.MemoryDirectory) is not { } spec)
            {
                lost.Add($"{before.Name}: {before.Source.Kind} memory lives in its kernel's process, and went with it");
                continue;
            }
            try { rebound.Add(await session.Kernel.Kernel.CreateBufferAsync(spec, CancellationToken.None).ConfigureAwait(false)); }
            catch (Exception e) when (KernelFault.Covers(e)) { lost.Add($"{before.Name}: {e.Message}"); }
        }
        foreach (var d in rebound)
            session.Known[d.Id] = d;
        _store.ReplaceBuffers(session.Id, session.Known.Values);
        return new RestartResult(rebound, lost);
    }

    /// <summary>The spec that binds a buffer's name again over its memory, or null when its memory died with the kernel.</summary>
    private static BufferSpec? Rebind(BufferDescriptor d, string memoryDirectory)
    {
        // A native buffer's file is the session's, wherever the memory directory is now.
        var native = d.Source.Location is { } location ? Path.Combine(memoryDirectory, Path.GetFileName(location)) : null;
        SourceSpec? source = d.Source.Kind switch
        {
            "native" when native is not null && File.Exists(native) => new SourceSpec { Kind = "native", Path = native },
            // What the old kernel made stays the session's to remove when freed (Owned); what it attached stays its owner's.
            "mmap" when d.Source.Location is { } file => new SourceSpec { Kind = "mmap", Path = file, Owned = d.Source.Created },
            "shm" when d.Source.Location is { } name => new SourceSpec { Kind = "shm", Name = name, Owned = d.Source.Created },
            _ => null,
        };
        return source is null ? null : new BufferSpec
        {
            Name = d.Name, Format = d.Format, Shape = d.Shape, Strides = d.Strides, Offset = d.Offset, Readonly = d.Readonly,
            Fill = new FillSpec { Kind = "keep" }, Source = source,
        };
    }

    /// <summary>
    /// Every session with its kernel's status, oldest first. Taken in one pass, so a session
    /// deleted meanwhile is either listed whole or not at all (asking its status by id afterwards
    /// would find it gone).
    /// </summary>
    public IReadOnlyList<(SessionInfo Session, KernelStatus Kernel)> List() =>
        [.. _sessions.Values.OrderBy(s => s.Info.CreatedAt).Select(s => (s.Info, Status(s)))];

    /// <summary>
    /// Every session with its kernel's status and what it holds, oldest first, in one pass as
    /// <see cref="List"/>. The counts come from the kernels' events, not a call to each kernel: a
    /// list must not wait for a kernel that is busy or starting.
    /// </summary>
    public IReadOnlyList<(SessionInfo Session, KernelStatus Kernel, SessionCounts Counts)> Summaries() =>
        [.. _sessions.Values.OrderBy(s => s.Info.CreatedAt).Select(s => (s.Info, Status(s), Counts(s)))];

    /// <summary>The session's buffers and live exports now (<see cref="Summaries"/>).</summary>
    public SessionCounts Counts(string sessionId) => Counts(Find(sessionId, touch: false));

    private static SessionCounts Counts(KernelSession session) =>
        new(session.Known.Count, session.Exports.Values.Sum());

    public SessionInfo Get(string sessionId) => Find(sessionId).Info;

    /// <summary>
    /// Deletes a session: refused while any of its buffers has live exports, unless
    /// <paramref name="force"/>. Its kernel ends (and every view in it), its files go.
    /// </summary>
    public async Task DeleteAsync(string sessionId, bool force = false)
    {
        var session = Find(sessionId);
        await session.Ready.WaitAsync(ReadyTimeout).ConfigureAwait(false);
        if (!force && !session.Kernel.Exited.IsCompleted)
        {
            var live = (await session.Kernel.Kernel.ListBuffersAsync(CancellationToken.None).ConfigureAwait(false)).Sum(b => b.Exports);
            if (live > 0)
                throw new BufferLifetimeException($"session '{session.Info.Name}' has buffers with {Plural.Count(live, "live export")}; release them, or delete with force", live);
        }
        if (!_sessions.TryRemove(sessionId, out _))
            throw new NotFoundException($"no session with id '{sessionId}'");
        await EndAsync(session, forget: true).ConfigureAwait(false);
        Deleted?.Invoke(session.Id);
    }

    /// <summary>
    /// Ends the session's kernel and unmaps its memory. Forgotten (deleted): its rows, files and
    /// saved memory go. Kept (the server stops): its native buffers' files are saved to the data
    /// directory for the next start, then leave tmpfs.
    /// </summary>
    private async Task EndAsync(KernelSession session, bool forget)
    {
        session.Deleted = forget;
        try { await session.Ready.WaitAsync(ReadyTimeout).ConfigureAwait(false); }
        catch (TimeoutException) { }
        // The kernel's last word on its buffers: kept, it is what the next start binds (names Python
        // gave since the last list); forgotten, it says which files and segments the kernel made.
        IReadOnlyList<BufferDescriptor>? last = null;
        if (session.Kernel is { Exited.IsCompleted: false } alive)
        {
            try { last = await alive.Kernel.ListBuffersAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
            catch (Exception e) when (KernelFault.Covers(e) || e is TimeoutException or StreamJsonRpc.ConnectionLostException or StreamJsonRpc.RemoteInvocationException or ObjectDisposedException) { }
        }
        if (!forget)
            foreach (var d in last ?? [])
                Remember(session, d);
        // The kernel's list when it answers: Known learns of a buffer from its bufferCreated event,
        // which can still be on its way when a delete follows the create (seen in
        // SharedMemoryApiTests). Known when the kernel is dead: all there is then.
        var made = forget
            ? (last ?? [.. session.Known.Values]).Where(d => d.Source is { Created: true, Kind: "mmap" or "shm" })
                .Select(d => BufferMirror.MappablePath(d.Source)).OfType<string>().ToList()
            : [];
        if (session.Kernel is { } kernel)
            await kernel.DisposeAsync().ConfigureAwait(false);
        foreach (var mirror in session.Mirrors.Values)
            mirror.Dispose();
        session.Mirrors.Clear();
        var saved = Path.Combine(_savedDirectory, session.Id);
        if (forget)
        {
            // The kernel ended without freeing its buffers: the files and segments it made go now,
            // as freeing each would have removed them; those it attached are left to their owners.
            foreach (var path in made)
                TryDelete(path);
            _store.DeleteSession(session.Id);
            DeleteDirectory(saved);
        }
        else
            SaveMemory(session.MemoryDirectory, saved);
        DeleteDirectory(session.MemoryDirectory);
    }

    /// <summary>The session's buffer files, copied (data only) to where the next start finds them; files no buffer has any more go.</summary>
    private static void SaveMemory(string memory, string saved)
    {
        if (!Directory.Exists(memory))
        {
            DeleteDirectory(saved);
            return;
        }
        Directory.CreateDirectory(saved, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var files = Directory.GetFiles(memory);
        foreach (var file in files)
            Native.SparseFile.Copy(file, Path.Combine(saved, Path.GetFileName(file)));
        var names = files.Select(Path.GetFileName).ToHashSet();
        foreach (var stale in Directory.GetFiles(saved).Where(f => !names.Contains(Path.GetFileName(f))))
            File.Delete(stale);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void DeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>
    /// Every stored session, back with its id and name, its interpreter, a fresh kernel and its
    /// buffers bound again over the memory they had: the tmpfs file if it is still there (the
    /// server was killed), else the copy saved at the last stop. Listed at once ("restarting");
    /// their kernels start one at a time in the background, and a call on a session not back
    /// yet waits for it.
    /// </summary>
    private List<(KernelSession Session, TaskCompletionSource Ready)> Load()
    {
        var stored = _store.Load();
        var pending = new List<(KernelSession Session, TaskCompletionSource Ready)>();
        foreach (var s in stored)
        {
            Python.PythonInstallation python;
            try { python = Interpreters.Resolve(s.Python); }
            catch (InterpreterNotAllowedException e)
            {
                lock (_restoreWarnings) _restoreWarnings.Add($"session '{s.Info.Name}' ({s.Info.Id}) is kept but not started: {e.Message}");
                continue;
            }
            var session = new KernelSession(s.Info, Path.Combine(_memoryDirectory, s.Info.Id), python) { Restarting = true };
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            session.Ready = ready.Task;
            session.LastRun = s.LastRun;
            foreach (var d in s.Buffers)
                session.Known[d.Id] = d;
            _sessions[s.Info.Id] = session;
            pending.Add((session, ready));
        }
        return pending;
    }

    private async Task RestoreAllAsync(List<(KernelSession Session, TaskCompletionSource Ready)> pending)
    {
        await Task.Yield(); // the server starts answering meanwhile
        foreach (var (session, ready) in pending)
        {
            try
            {
                var saved = Path.Combine(_savedDirectory, session.Id);
                Directory.CreateDirectory(session.MemoryDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                if (Directory.Exists(saved))
                    foreach (var file in Directory.GetFiles(saved).Where(f => !f.EndsWith(".partial", StringComparison.Ordinal)))
                    {
                        var live = Path.Combine(session.MemoryDirectory, Path.GetFileName(file));
                        if (!File.Exists(live))
                            Native.SparseFile.Copy(file, live);
                    }
                var result = await StartAndRebindAsync(session).ConfigureAwait(false);
                session.LastExit = new KernelExit(null, null, RestoredReason(result), DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is KernelStartException or IOException or UnauthorizedAccessException)
            {
                _sessions.TryRemove(session.Id, out _);
                lock (_restoreWarnings) _restoreWarnings.Add($"session '{session.Info.Name}' ({session.Id}) is kept but did not start: {e.Message}");
            }
            finally
            {
                session.Restarting = false;
                ready.SetResult();
                if (_sessions.ContainsKey(session.Id))
                    StateChanged(session);
            }
        }
    }

    private static string RestoredReason(RestartResult r)
    {
        var text = $"the server restarted: a fresh kernel, {Plural.Count(r.Rebound.Count, "buffer")} bound again";
        return r.Lost.Count == 0 ? text : $"{text}; lost: {string.Join("; ", r.Lost)}";
    }

    private KernelSession Find(string sessionId, bool touch = true)
    {
        var session = _sessions.TryGetValue(sessionId ?? "", out var s) ? s : throw new NotFoundException($"no session with id '{sessionId}'");
        if (touch)
            session.Idle.Touch(); // every call on a session goes through here: it is not idle
        return session;
    }

    /// <summary>The session's kernel once it is back (a restart, a server start), if it is alive; else a refusal that says how it died.</summary>
    private static async Task<IKernel> AliveAsync(KernelSession session)
    {
        await session.Ready.WaitAsync(ReadyTimeout).ConfigureAwait(false);
        return Alive(session);
    }

    /// <summary>The session's kernel, if it is alive; else a refusal that says how it died.</summary>
    private static IKernel Alive(KernelSession session) =>
        session.Restarting ? throw new KernelDiedException($"session '{session.Info.Name}' is restarting its kernel; try again in a moment")
        : session.Kernel.Exited.IsCompleted
            ? throw new KernelDiedException($"session '{session.Info.Name}': its kernel died ({session.Kernel.Exited.Result.Reason}); POST /api/sessions/{session.Id}/restart starts a new one, its buffers bound again")
            : session.Kernel.Kernel;

    /// <summary>Keeps a session from going idle while a live stream (events, a memory watch) is open on it.</summary>
    public IDisposable Hold(string sessionId) => Find(sessionId).Idle.Hold();

    /// <summary>Deletes, with force, every session nothing has asked for or held for <paramref name="idle"/>; returns them.</summary>
    public async Task<IReadOnlyList<SessionInfo>> DeleteIdleAsync(TimeSpan idle)
    {
        var now = Environment.TickCount64;
        var deleted = new List<SessionInfo>();
        foreach (var session in _sessions.Values.Where(s => s.Idle.IdleFor(now) >= idle).ToList())
        {
            if (_sessions.TryRemove(session.Id, out _))
            {
                await EndAsync(session, forget: true).ConfigureAwait(false);
                Deleted?.Invoke(session.Id);
        Deleted?.Invoke(session.Id);
                deleted.Add(session.Info);
            }
        }
        return deleted;
    }

    // ---- buffers, memory, console -------------------------------------------------------------

    public async Task<BufferDescriptor> CreateBufferAsync(string sessionId, BufferSpec spec) =>
        await (await AliveAsync(Find(sessionId)).ConfigureAwait(false)).CreateBufferAsync(spec, CancellationToken.None).ConfigureAwait(false);

    public async Task<IReadOnlyList<BufferDescriptor>> ListBuffersAsync(string sessionId)
    {
        var session = Find(sessionId);
        await session.Ready.WaitAsync(ReadyTimeout).ConfigureAwait(false);
        // A restart's new kernel answers as soon as it runs (a list asked for on its first rebound
        // buffer's event must see it: seen in CI); the dead one's buffers are what the server kept.
        if (session.Kernel.Exited.IsCompleted)
            return [.. session.Known.Values.Select(d => d with { Exports = 0, Views = [] }).OrderBy(d => d.Id)];
        var buffers = await session.Kernel.Kernel.ListBuffersAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var d in buffers)
            Remember(session, d); // the kernel's own word: what a restart binds again
        return buffers;
    }

    public async Task<BufferDescriptor> GetBufferAsync(string sessionId, long bufferId) =>
        await (await AliveAsync(Find(sessionId)).ConfigureAwait(false)).GetBufferAsync(bufferId, CancellationToken.None).ConfigureAwait(false);

    public async Task FreeBufferAsync(string sessionId, long bufferId) =>
        await (await AliveAsync(Find(sessionId)).ConfigureAwait(false)).FreeBufferAsync(bufferId, CancellationToken.None).ConfigureAwait(false);

    /// <summary>The request workbench: one request put to a buffer of the session or an expression's object, beside the reference exporter's answer.</summary>
    public async Task<Requests.RequestAnswer> RequestAsync(string sessionId, long? bufferId, string? expression, int flags) =>
        await (await AliveAsync(Find(sessionId)).ConfigureAwait(false)).RequestAsync(bufferId, expression, flags, CancellationToken.None).ConfigureAwait(false);

    /// <summary>A buffer's live views and who holds each (a scan of the kernel's objects: on demand).</summary>
    public async Task<IReadOnlyList<Requests.HeldView>> HoldersAsync(string sessionId, long bufferId) =>
        await (await AliveAsync(Find(sessionId)).ConfigureAwait(false)).HoldersAsync(bufferId, CancellationToken.None).ConfigureAwait(false);

    public async Task<byte[]> ReadMemoryAsync(string sessionId, long bufferId, long offset, int length) =>
        await (await AliveAsync(Find(sessionId)).ConfigureAwait(false)).ReadMemoryAsync(bufferId, offset, length, CancellationToken.None).ConfigureAwait(false);

    public async Task WriteMemoryAsync(string sessionId, long bufferId, long offset, byte[] data) =>
        await (await AliveAsync(Find(sessionId)).ConfigureAwait(false)).WriteMemoryAsync(bufferId, offset, data, CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// Runs a snippet in the session's kernel: interrupted past Bufferscope:Python:RunTimeout, the
    /// kernel killed if it is still running Bufferscope:Kernels:KillGrace later. A kernel that dies
    /// meanwhile is this run's result (KernelDied), and told on the session's events.
    /// </summary>
    public async Task<ConsoleResult> RunAsync(string sessionId, string? code)
    {
        var session = Find(sessionId);
        await AliveAsync(session).ConfigureAwait(false);
        code ??= "";
        if (code.Length > _options.Limits.MaxCodeLength)
            throw new LimitExceededException($"code is {code.Length} characters; at most {_options.Limits.MaxCodeLength} are allowed (Bufferscope:Limits:MaxCodeLength)");
        // Numbered as it is sent, so its tracebacks, its exports' origins and its streamed output
        // name the prompt the console shows, In [n], while it runs.
        var n = Interlocked.Increment(ref session.LastRun);
        session.Unrecorded[n] = code;
        if (Interlocked.Increment(ref session.Running) == 1)
            StateChanged(session);
        ConsoleResult result;
        try { result = await session.Kernel.RunAsync(code, n, _options.Python.RunTimeout, _options.Kernels.KillGrace).ConfigureAwait(false) with { SessionId = sessionId }; }
        catch
        {
            session.Unrecorded.TryRemove(n, out _);
            throw;
        }
        finally
        {
            if (Interlocked.Decrement(ref session.Running) == 0 && !session.Kernel.Exited.IsCompleted)
                StateChanged(session);
        }
        session.Idle.Touch(); // a long run counts from its end
        foreach (var d in result.Named ?? [])
            Remember(session, d); // before the answer: a crash in the next run must not lose the name
        result = result with { N = n };
        Record(session, result); // a kernel that died sent no consoleRan
        if (result.Error?.Type == "KernelDied")
            Events.Publish(new BufferEvent(BufferEventKind.ConsoleRan, sessionId, null, null, null, CoarseClock.Now) { Run = result });
        return result;
    }

    /// <summary>
    /// One atomic subscribe, as the Aspire dashboard's resource service does it: the session's
    /// changes from now on, then the state they apply to (the session, its kernel, its buffers
    /// with every live view). Subscribed first, so no change can fall between the two; a change
    /// that happened just before the snapshot may come again after it, and applying it again
    /// changes nothing (events carry the count now, views their ids).
    /// </summary>
    public async Task<SessionSnapshot> SubscribeAsync(string sessionId, int capacity = 1024)
    {
        var session = Find(sessionId);
        var changes = Events.Subscribe(sessionId, capacity);
        try { return await SnapshotAsync(session, changes).ConfigureAwait(false); }
        catch
        {
            changes.Dispose();
            throw;
        }
    }

    /// <summary>The session's state now, for <paramref name="changes"/> already subscribed (again, after it dropped a batch).</summary>
    public async Task<SessionSnapshot> SnapshotAsync(string sessionId, EventSubscription changes) => await SnapshotAsync(Find(sessionId), changes).ConfigureAwait(false);

    private async Task<SessionSnapshot> SnapshotAsync(KernelSession session, EventSubscription changes)
    {
        var dropped = changes.Dropped;
        var buffers = await ListBuffersAsync(session.Id).ConfigureAwait(false);
        return new SessionSnapshot(session.Info, Status(session), buffers, changes, dropped);
    }

    /// <summary>The session's console runs, oldest first (at most <see cref="MaxHistory"/>).</summary>
    public Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string sessionId) => _store.HistoryAsync(Find(sessionId).Id, MaxHistory);

    /// <summary>
    /// A change could not be written to the store (the run, creation... it records still
    /// happened and were answered): what a restart would bring back is now behind.
    /// </summary>
    public event Action<Exception>? StoreFailed
    {
        add => _store.Failed += value;
        remove => _store.Failed -= value;
    }

    public Task<bool> InterruptAsync(string sessionId)
    {
        var session = Find(sessionId);
        return session.Kernel is null || session.Restarting || session.Kernel.Exited.IsCompleted ? Task.FromResult(false) : session.Kernel.Kernel.InterruptAsync(CancellationToken.None);
    }

    /// <summary>
    /// The buffer with this id, wherever it lives, for watching: its mirror, made on first use
    /// from the kernel's descriptor. Null when no session has it.
    /// </summary>
    public async Task<BufferMirror?> WatchedAsync(long bufferId)
    {
        var session = _sessions.Values.FirstOrDefault(s => bufferId > s.Ordinal * IdsPerKernel && bufferId < (s.Ordinal + 1) * IdsPerKernel);
        if (session is null)
            return null;
        if (session.Mirrors.TryGetValue(bufferId, out var known))
            return known.IsFreed ? null : known;
        if (!session.Ready.IsCompleted || session.Kernel.Exited.IsCompleted)
            return null;
        await session.MirrorLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (session.Mirrors.TryGetValue(bufferId, out known))
                return known;
            BufferDescriptor descriptor;
            try { descriptor = await session.Kernel.Kernel.GetBufferAsync(bufferId, CancellationToken.None).ConfigureAwait(false); }
            catch (NotFoundException) { return null; }
            var mirror = new BufferMirror(descriptor, session.Kernel.Kernel);
            session.Mirrors[bufferId] = mirror;
            return mirror;
        }
        finally { session.MirrorLock.Release(); }
    }

    /// <summary>Bytes of all buffers of all sessions, as their kernels count them.</summary>
    public async Task<long> BufferBytesAsync()
    {
        var counts = await Task.WhenAll(_sessions.Values.Where(s => s.Ready.IsCompleted).Select(async s =>
        {
            try { return (await ListBuffersAsync(s.Id).ConfigureAwait(false)).Sum(b => b.Allocation); }
            catch (Exception e) when (e is NotFoundException or KernelDiedException or StreamJsonRpc.ConnectionLostException or ObjectDisposedException) { return 0L; }
        })).ConfigureAwait(false);
        return counts.Sum();
    }

    private void OnChanged(KernelSession session, IReadOnlyList<BufferEvent> batch)
    {
        foreach (var e in batch)
        {
            if (e.BufferId is { } id)
            {
                if (e.Kind == BufferEventKind.BufferFreed)
                    session.Exports.TryRemove(id, out _);
                else if (e.Exports is { } exports && !session.Kernel.Exited.IsCompleted)
                    session.Exports[id] = exports; // a dead kernel's late batch must not bring its views back

                if (session.Mirrors.TryGetValue(id, out var mirror))
                {
                    mirror.Apply(e);
                    if (e.Kind == BufferEventKind.BufferFreed && session.Mirrors.TryRemove(id, out _))
                        mirror.Dispose();
                }
                if (e.Kind == BufferEventKind.BufferCreated && e.Buffer is { } descriptor)
                    Remember(session, descriptor); // every bufferCreated carries it (BufferEvent.Created)
                else if (e.Kind == BufferEventKind.BufferFreed)
                {
                    session.FreedIds[id] = 0;
                    if (session.Known.TryRemove(id, out _))
                        _store.DeleteBuffer(session.Id, id);
                }
            }
            if (e is { Kind: BufferEventKind.ConsoleRan, Run: { } run })
                Record(session, run);
            Events.Publish(e);
        }
    }

    /// <summary>Writes a run sent from this session to its history, once (<see cref="KernelSession.Unrecorded"/>).</summary>
    private void Record(KernelSession session, ConsoleResult run)
    {
        if (session.Unrecorded.TryRemove(run.N, out var code))
            _store.AddRun(session.Id, HistoryEntry.Of(run.N, code, run, DateTimeOffset.UtcNow), MaxHistory);
    }

    /// <summary>Keeps a buffer's descriptor here and in the store, unless the kernel freed it meanwhile.</summary>
    private void Remember(KernelSession session, BufferDescriptor d)
    {
        if (session.FreedIds.ContainsKey(d.Id) || session.Deleted)
            return;
        var before = session.Known.TryGetValue(d.Id, out var known) ? known : null;
        session.Known[d.Id] = d;
        // Layout and memory never change; the name does once (a MemBuf made in Python takes the first name it is bound to).
        if (before is null || before.Name != d.Name)
            _store.PutBuffer(session.Id, d);
        if (session.FreedIds.ContainsKey(d.Id) && session.Known.TryRemove(d.Id, out _))
            _store.DeleteBuffer(session.Id, d.Id); // freed while it was being kept
    }

    private void OnKernelExited(KernelSession session, IKernelHandle kernel, KernelExit exit)
    {
        if (session.Kernel != kernel)
            return;
        session.LastExit = exit;
        session.Exports.Clear(); // a dead kernel's views are gone; its buffers stay listed
        foreach (var mirror in session.Mirrors.Values)
            mirror.KernelGone();
        if (!session.Deleted)
            StateChanged(session);
    }

    public async ValueTask DisposeAsync()
    {
        try { await Restored.WaitAsync(ReadyTimeout).ConfigureAwait(false); }
        catch (TimeoutException) { }
        var all = _sessions.Values.ToList();
        _sessions.Clear();
        await Task.WhenAll(all.Select(s => EndAsync(s, forget: false)).Append(_pool.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Events.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        DeleteDirectory(_memoryDirectory);
        try { Directory.Delete(_memoryRoot); }
        catch (IOException) { } // another server's files are still there
    }
}
