using System.Collections.Concurrent;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Checks;

/// <summary>
/// The checks of every session: started one at a time per session (each in a kernel of its own,
/// so the code under test can crash without touching the session's), kept for reading until the
/// session goes (the last <see cref="KeptPerSession"/>), cancelled on request or with their session. Progress goes out
/// on the session's events as checkProgressed, at most every <see cref="ProgressInterval"/> and
/// always at the end.
/// </summary>
public sealed class CheckService : IAsyncDisposable
{
    public const int KeptPerSession = 20;
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, CheckRun> _runs = new();
    private readonly Lock _startLock = new();
    private readonly KernelSessions _sessions;
    private readonly BufferscopeOptions _options;

    public CheckService(KernelSessions sessions, BufferscopeOptions options)
    {
        _sessions = sessions;
        _options = options;
        // A deleted session's checks go with it: cancelled (their kernels end), and forgotten.
        sessions.Deleted += id =>
        {
            foreach (var run in _runs.Values.Where(r => r.SessionId == id))
            {
                run.Cancel();
                _runs.TryRemove(run.Id, out _);
            }
        };
    }

    /// <summary>Starts a check on the session; throws <see cref="BufferSpecException"/> for a bad request and <see cref="LimitExceededException"/> while one runs there.</summary>
    public CheckRun Start(string sessionId, CheckRequest request)
    {
        var valid = request.Validated();
        _sessions.Get(sessionId); // a session that exists
        CheckRun run;
        lock (_startLock)
        {
            if (_runs.Values.FirstOrDefault(r => r.SessionId == sessionId && r.IsRunning) is { } running)
                throw new LimitExceededException($"check {running.Id} is still running on this session; wait for it or cancel it (DELETE .../checks/{running.Id})");
            var max = _options.Limits.MaxRunningChecks;
            if (_runs.Values.Count(r => r.IsRunning) >= max)
                throw new LimitExceededException($"{Plural.Count(max, "check")} {(max == 1 ? "is" : "are")} running, the most allowed at once (Bufferscope:Limits:MaxRunningChecks); wait for one to end");
            run = new CheckRun(Guid.NewGuid().ToString("n")[..12], sessionId, valid);
            _runs[run.Id] = run;
            foreach (var old in _runs.Values.Where(r => r.SessionId == sessionId && !r.IsRunning).OrderByDescending(r => r.StartedAt).Skip(KeptPerSession - 1))
                _runs.TryRemove(old.Id, out _);
        }
        var lastSent = DateTime.MinValue;
        run.Progressed += r =>
        {
            var now = DateTime.UtcNow;
            if (r.IsRunning && now - lastSent < ProgressInterval)
                return;
            lastSent = now;
            var report = r.Report();
            _sessions.Events.Publish(new BufferEvent(BufferEventKind.CheckProgressed, sessionId, null, null, null, CoarseClock.Now)
            {
                Check = new CheckProgressed(report.Id, report.State, report.Total, report.Done, report.Counts, report.Findings.Count),
            });
        };
        var progressPath = Path.Combine(_sessions.MemoryDirectory, $"check-{run.Id}.progress");
        var first = 1;
        run.Start(new CheckKernel(cancel => _sessions.StartCheckKernelAsync(sessionId, fromPool: Interlocked.Exchange(ref first, 0) == 1, cancel), valid.Target!, valid.Reference, progressPath,
            TimeSpan.FromMilliseconds(valid.CaseTimeoutMs), _options.Kernels.KillGrace, valid.Mode!));
        return run;
    }

    public CheckReport Get(string sessionId, string checkId) => Find(sessionId, checkId).Report();

    /// <summary>The session's checks, newest first.</summary>
    public IReadOnlyList<CheckReport> List(string sessionId)
    {
        _sessions.Get(sessionId); // a session that exists, or 404
        return [.. _runs.Values.Where(r => r.SessionId == sessionId).OrderByDescending(r => r.StartedAt).Select(r => r.Report())];
    }

    /// <summary>Cancels a running check (its kernel ends); a check that has ended stays as it ended.</summary>
    public async Task<CheckReport> CancelAsync(string sessionId, string checkId)
    {
        var run = Find(sessionId, checkId);
        run.Cancel();
        await run.Completion.ConfigureAwait(false);
        return run.Report();
    }

    private CheckRun Find(string sessionId, string checkId) =>
        _runs.TryGetValue(checkId ?? "", out var run) && run.SessionId == sessionId
            ? run
            : throw new NotFoundException($"no check with id '{checkId}' on session '{sessionId}'");

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs.Values)
            run.Cancel();
        await Task.WhenAll(_runs.Values.Select(r => r.Completion)).ConfigureAwait(false);
    }
}

/// <summary>A check's progress, as checkProgressed carries it: the counts so far and how many findings.</summary>
public sealed record CheckProgressed(string Id, string State, int Total, int Done, IReadOnlyDictionary<string, int> Counts, int Findings);
