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
/// - Deleting a session ends its kernel (shutdown, then kill) and removes its files; disposing
///   this ends them all. No kernel and no file outlives the server.
/// </summary>
public sealed class KernelSessions : IAsyncDisposable
{
    public const long IdsPerKernel = 1_000_000_000;
    private readonly ConcurrentDictionary<string, KernelSession> _sessions = new();
    private readonly BufferscopeOptions _options;
    private readonly KernelCommand _command;
    private readonly string _runDirectory;
    private readonly string _memoryRoot;
    private readonly string _memoryDirectory;
    private readonly Lock _createLock = new();
    private int _starting;
    private long _ordinals;

    public KernelSessions(BufferscopeOptions options, KernelCommand command, Interpreters interpreters)
    {
        _options = options;
        Interpreters = interpreters;
        _command = command;
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        _runDirectory = Directory.CreateDirectory(Path.Combine(options.DataDirectoryPath, "run"), ownerOnly).FullName;
        // One directory per server, so servers sharing the root (tests) never remove each other's files.
        _memoryRoot = Directory.CreateDirectory(options.Kernels.MemoryDirectoryPath, ownerOnly).FullName;
        _memoryDirectory = Directory.CreateDirectory(Path.Combine(_memoryRoot, $"server-{Environment.ProcessId}-{Guid.NewGuid().ToString("n")[..8]}"), ownerOnly).FullName;
        Events = new EventFeed(options.FrameInterval);
        _pool = new KernelPool(() => KernelProcess.StartAsync(_command, _runDirectory, _options, interpreters.Default.Executable), options.Kernels.Warm);
    }

    private readonly KernelPool _pool;

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
                throw new LimitExceededException($"there are already {_sessions.Count + _starting} sessions, the most allowed (Bufferscope:Limits:MaxSessions); delete one first");
            _starting++;
        }
        try
        {
            var info = new SessionInfo(Guid.NewGuid().ToString("n")[..12], name, DateTimeOffset.UtcNow);
            var session = new KernelSession(info, Path.Combine(_memoryDirectory, info.Id), installation);
            await StartKernelAsync(session).ConfigureAwait(false);
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
        var ordinal = Interlocked.Increment(ref _ordinals);
        var kernel = session.Python == Interpreters.Default
            ? await _pool.TakeAsync().ConfigureAwait(false)
            : await KernelProcess.StartAsync(_command, _runDirectory, _options, session.Python.Executable).ConfigureAwait(false);
        try { await kernel.Kernel.OpenSessionAsync(session.Id, session.Info.Name, session.MemoryDirectory, ordinal * IdsPerKernel, CancellationToken.None).ConfigureAwait(false); }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally { _pool.Refill(); }
        session.Ordinal = ordinal;
        session.Kernel = kernel;
        kernel.Changed += batch => OnChanged(session, kernel, batch);
        _ = kernel.Exited.ContinueWith(exit => OnKernelExited(session, kernel, exit.Result), TaskScheduler.Default);
        if (!session.Restarting)
            StateChanged(session); // a restart tells once, when it is done
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
        if (session.Restarting)
            throw new LimitExceededException($"session '{session.Info.Name}' is restarting already");
        session.Restarting = true;
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
            var known = session.Known.Values.OrderBy(d => d.Id).ToList();
            session.Known.Clear();
            session.FreedIds.Clear();
            Interlocked.Exchange(ref session.Running, 0);

            await StartKernelAsync(session).ConfigureAwait(false);
            var rebound = new List<BufferDescriptor>();
            var lost = new List<string>();
            foreach (var before in known)
            {
                if (Rebind(before) is not { } spec)
                {
                    lost.Add($"{before.Name}: {before.Source.Kind} memory lives in its kernel's process, and went with it");
                    continue;
                }
                try { rebound.Add(await session.Kernel.Kernel.CreateBufferAsync(spec, CancellationToken.None).ConfigureAwait(false)); }
                catch (Exception e) when (KernelFault.Covers(e)) { lost.Add($"{before.Name}: {e.Message}"); }
            }
            foreach (var d in rebound)
                session.Known[d.Id] = d;
            return new RestartResult(rebound, lost);
        }
        finally
        {
            session.Restarting = false;
            StateChanged(session);
        }
    }

    /// <summary>The spec that binds a buffer's name again over its memory, or null when its memory died with the kernel.</summary>
    private static BufferSpec? Rebind(BufferDescriptor d)
    {
        SourceSpec? source = d.Source.Kind switch
        {
            "native" when d.Source.Location is { } file && File.Exists(file) => new SourceSpec { Kind = "native", Path = file },
            "mmap" when d.Source.Location is { } file => new SourceSpec { Kind = "mmap", Path = file },
            "shm" when d.Source.Location is { } name => new SourceSpec { Kind = "shm", Name = name },
            _ => null,
        };
        return source is null ? null : new BufferSpec
        {
            Name = d.Name, Format = d.Format, Shape = d.Shape, Strides = d.Strides, Offset = d.Offset, Readonly = d.Readonly,
            Fill = new FillSpec { Kind = "keep" }, Source = source,
        };
    }

    public IReadOnlyList<SessionInfo> List() => [.. _sessions.Values.OrderBy(s => s.Info.CreatedAt).Select(s => s.Info)];

    public SessionInfo Get(string sessionId) => Find(sessionId).Info;

    /// <summary>
    /// Deletes a session: refused while any of its buffers has live exports, unless
    /// <paramref name="force"/>. Its kernel ends (and every view in it), its files go.
    /// </summary>
    public async Task DeleteAsync(string sessionId, bool force = false)
    {
        var session = Find(sessionId);
        if (!force && !session.Kernel.Exited.IsCompleted)
        {
            var live = (await session.Kernel.Kernel.ListBuffersAsync(CancellationToken.None).ConfigureAwait(false)).Sum(b => b.Exports);
            if (live > 0)
                throw new BufferLifetimeException($"session '{session.Info.Name}' has buffers with {live} live export{(live == 1 ? "" : "s")}; release them, or delete with force", live);
        }
        if (!_sessions.TryRemove(sessionId, out _))
            throw new NotFoundException($"no session with id '{sessionId}'");
        await EndAsync(session).ConfigureAwait(false);
    }

    private async Task EndAsync(KernelSession session)
    {
        session.Deleted = true;
        await session.Kernel.DisposeAsync().ConfigureAwait(false);
        foreach (var mirror in session.Mirrors.Values)
            mirror.Dispose();
        session.Mirrors.Clear();
        try { Directory.Delete(session.MemoryDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    private KernelSession Find(string sessionId, bool touch = true)
    {
        var session = _sessions.TryGetValue(sessionId ?? "", out var s) ? s : throw new NotFoundException($"no session with id '{sessionId}'");
        if (touch)
            session.Idle.Touch(); // every call on a session goes through here: it is not idle
        return session;
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
                await EndAsync(session).ConfigureAwait(false);
                deleted.Add(session.Info);
            }
        }
        return deleted;
    }

    // ---- buffers, memory, console -------------------------------------------------------------

    public Task<BufferDescriptor> CreateBufferAsync(string sessionId, BufferSpec spec) =>
        Alive(Find(sessionId)).CreateBufferAsync(spec, CancellationToken.None);

    public async Task<IReadOnlyList<BufferDescriptor>> ListBuffersAsync(string sessionId)
    {
        var session = Find(sessionId);
        // A restart's new kernel answers as soon as it runs (a list asked for on its first rebound
        // buffer's event must see it: seen in CI); the dead one's buffers are what the server kept.
        if (session.Kernel.Exited.IsCompleted)
            return [.. session.Known.Values.Select(d => d with { Exports = 0, Views = [] }).OrderBy(d => d.Id)];
        var buffers = await session.Kernel.Kernel.ListBuffersAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var d in buffers)
            session.Known[d.Id] = d; // the kernel's own word: what a restart binds again
        return buffers;
    }

    public Task<BufferDescriptor> GetBufferAsync(string sessionId, long bufferId) =>
        Alive(Find(sessionId)).GetBufferAsync(bufferId, CancellationToken.None);

    public Task FreeBufferAsync(string sessionId, long bufferId) =>
        Alive(Find(sessionId)).FreeBufferAsync(bufferId, CancellationToken.None);

    public Task<byte[]> ReadMemoryAsync(string sessionId, long bufferId, long offset, int length) =>
        Alive(Find(sessionId)).ReadMemoryAsync(bufferId, offset, length, CancellationToken.None);

    public Task WriteMemoryAsync(string sessionId, long bufferId, long offset, byte[] data) =>
        Alive(Find(sessionId)).WriteMemoryAsync(bufferId, offset, data, CancellationToken.None);

    /// <summary>
    /// Runs a snippet in the session's kernel: interrupted past Bufferscope:Python:RunTimeout, the
    /// kernel killed if it is still running Bufferscope:Kernels:KillGrace later. A kernel that dies
    /// meanwhile is this run's result (KernelDied), and told on the session's events.
    /// </summary>
    public async Task<ConsoleResult> RunAsync(string sessionId, string? code)
    {
        var session = Find(sessionId);
        Alive(session);
        code ??= "";
        if (code.Length > _options.Limits.MaxCodeLength)
            throw new LimitExceededException($"code is {code.Length} characters; at most {_options.Limits.MaxCodeLength} are allowed (Bufferscope:Limits:MaxCodeLength)");
        if (Interlocked.Increment(ref session.Running) == 1)
            StateChanged(session);
        ConsoleResult result;
        try { result = await session.Kernel.RunAsync(code, _options.Python.RunTimeout, _options.Kernels.KillGrace).ConfigureAwait(false) with { SessionId = sessionId }; }
        finally
        {
            if (Interlocked.Decrement(ref session.Running) == 0 && !session.Kernel.Exited.IsCompleted)
                StateChanged(session);
        }
        session.Idle.Touch(); // a long run counts from its end
        if (result.Error?.Type == "KernelDied")
            Events.Publish(new BufferEvent(BufferEventKind.ConsoleRan, sessionId, null, null, null, CoarseClock.Now) { Run = result });
        return result;
    }

    public Task<bool> InterruptAsync(string sessionId)
    {
        var session = Find(sessionId);
        return session.Kernel.Exited.IsCompleted ? Task.FromResult(false) : session.Kernel.Kernel.InterruptAsync(CancellationToken.None);
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
        if (session.Kernel.Exited.IsCompleted)
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
        var counts = await Task.WhenAll(_sessions.Values.Select(async s =>
        {
            try { return (await ListBuffersAsync(s.Id).ConfigureAwait(false)).Sum(b => b.Allocation); }
            catch (Exception e) when (e is NotFoundException or KernelDiedException or StreamJsonRpc.ConnectionLostException or ObjectDisposedException) { return 0L; }
        })).ConfigureAwait(false);
        return counts.Sum();
    }

    private void OnChanged(KernelSession session, KernelProcess kernel, IReadOnlyList<BufferEvent> batch)
    {
        foreach (var e in batch)
        {
            if (e.BufferId is { } id)
            {
                if (session.Mirrors.TryGetValue(id, out var mirror))
                {
                    mirror.Apply(e);
                    if (e.Kind == BufferEventKind.BufferFreed && session.Mirrors.TryRemove(id, out _))
                        mirror.Dispose();
                }
                if (e.Kind == BufferEventKind.BufferCreated)
                    _ = RememberAsync(session, kernel, id);
                else if (e.Kind == BufferEventKind.BufferFreed)
                {
                    session.FreedIds[id] = 0;
                    session.Known.TryRemove(id, out _);
                }
            }
            Events.Publish(e);
        }
    }

    /// <summary>Keeps a new buffer's descriptor, so a restart can bind it again even if the kernel dies before anyone lists it.</summary>
    private static async Task RememberAsync(KernelSession session, KernelProcess kernel, long id)
    {
        try
        {
            var descriptor = await kernel.Kernel.GetBufferAsync(id, CancellationToken.None).ConfigureAwait(false);
            if (!session.FreedIds.ContainsKey(id) && session.Kernel == kernel)
                session.Known[id] = descriptor;
        }
        catch (Exception e) when (e is NotFoundException or StreamJsonRpc.ConnectionLostException or ObjectDisposedException or StreamJsonRpc.RemoteInvocationException)
        {
            // Freed already, or the kernel is gone: nothing to remember.
        }
    }

    private void OnKernelExited(KernelSession session, KernelProcess kernel, KernelExit exit)
    {
        if (session.Kernel != kernel)
            return;
        session.LastExit = exit;
        foreach (var mirror in session.Mirrors.Values)
            mirror.KernelGone();
        if (!session.Deleted)
            StateChanged(session);
    }

    public async ValueTask DisposeAsync()
    {
        var all = _sessions.Values.ToList();
        _sessions.Clear();
        await Task.WhenAll(all.Select(s => EndAsync(s)).Append(_pool.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Events.DisposeAsync().ConfigureAwait(false);
        try { Directory.Delete(_memoryDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        try { Directory.Delete(_memoryRoot); }
        catch (IOException) { } // another server's files are still there
    }
}
