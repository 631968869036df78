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

    public KernelSessions(BufferscopeOptions options, KernelCommand command)
    {
        _options = options;
        _command = command;
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        _runDirectory = Directory.CreateDirectory(Path.Combine(options.DataDirectoryPath, "run"), ownerOnly).FullName;
        // One directory per server, so servers sharing the root (tests) never remove each other's files.
        _memoryRoot = Directory.CreateDirectory(options.Kernels.MemoryDirectoryPath, ownerOnly).FullName;
        _memoryDirectory = Directory.CreateDirectory(Path.Combine(_memoryRoot, $"server-{Environment.ProcessId}-{Guid.NewGuid().ToString("n")[..8]}"), ownerOnly).FullName;
        Events = new EventFeed(options.FrameInterval);
    }

    /// <summary>Every session's changes; subscribe per session.</summary>
    public EventFeed Events { get; }

    // ---- sessions -----------------------------------------------------------------------------

    public async Task<SessionInfo> CreateAsync(string? name)
    {
        var limits = _options.Limits;
        SessionInfo.CheckName(name, limits);
        lock (_createLock)
        {
            if (_sessions.Count + _starting >= limits.MaxSessions)
                throw new LimitExceededException($"there are already {_sessions.Count + _starting} sessions, the most allowed (Bufferscope:Limits:MaxSessions); delete one first");
            _starting++;
        }
        try
        {
            var info = new SessionInfo(Guid.NewGuid().ToString("n")[..12], name, DateTimeOffset.UtcNow);
            var ordinal = Interlocked.Increment(ref _ordinals);
            var session = new KernelSession(info, ordinal, Path.Combine(_memoryDirectory, info.Id));
            var kernel = await KernelProcess.StartAsync(_command, _runDirectory, info.Id, name, _options,
                memoryDirectory: session.MemoryDirectory, idsFrom: ordinal * IdsPerKernel).ConfigureAwait(false);
            session.Kernel = kernel;
            kernel.Changed += batch => OnChanged(session, batch);
            _ = kernel.Exited.ContinueWith(_ => OnKernelExited(session), TaskScheduler.Default);
            _sessions[info.Id] = session;
            return info;
        }
        finally
        {
            lock (_createLock) _starting--;
        }
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

    private KernelSession Find(string sessionId)
    {
        var session = _sessions.TryGetValue(sessionId ?? "", out var s) ? s : throw new NotFoundException($"no session with id '{sessionId}'");
        session.Idle.Touch(); // every call on a session goes through here: it is not idle
        return session;
    }

    /// <summary>The session's kernel, if it is alive; else a refusal that says how it died.</summary>
    private IKernel Alive(KernelSession session) => session.Kernel.Exited.IsCompleted
        ? throw new KernelDiedException($"session '{session.Info.Name}': its kernel died ({session.Kernel.Exited.Result.Reason}); delete the session and create another")
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
        if (session.Kernel.Exited.IsCompleted)
            return [.. session.Mirrors.Values.Where(m => m.Mapped).Select(m => m.Descriptor with { Exports = 0, Views = [] }).OrderBy(d => d.Id)];
        return await session.Kernel.Kernel.ListBuffersAsync(CancellationToken.None).ConfigureAwait(false);
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
        var result = await session.Kernel.RunAsync(code, _options.Python.RunTimeout, _options.Kernels.KillGrace).ConfigureAwait(false) with { SessionId = sessionId };
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
            catch (Exception e) when (e is NotFoundException or StreamJsonRpc.ConnectionLostException or ObjectDisposedException) { return 0L; }
        })).ConfigureAwait(false);
        return counts.Sum();
    }

    private void OnChanged(KernelSession session, IReadOnlyList<BufferEvent> batch)
    {
        foreach (var e in batch)
        {
            if (e.BufferId is { } id && session.Mirrors.TryGetValue(id, out var mirror))
            {
                mirror.Apply(e);
                if (e.Kind == BufferEventKind.BufferFreed && session.Mirrors.TryRemove(id, out _))
                    mirror.Dispose();
            }
            Events.Publish(e);
        }
    }

    private void OnKernelExited(KernelSession session)
    {
        foreach (var mirror in session.Mirrors.Values)
            mirror.KernelGone();
    }

    public async ValueTask DisposeAsync()
    {
        var all = _sessions.Values.ToList();
        _sessions.Clear();
        await Task.WhenAll(all.Select(s => EndAsync(s))).ConfigureAwait(false);
        await Events.DisposeAsync().ConfigureAwait(false);
        try { Directory.Delete(_memoryDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        try { Directory.Delete(_memoryRoot); }
        catch (IOException) { } // another server's files are still there
    }
}
