using Bufferscope.Core.Kernels;
using StreamJsonRpc;

namespace Bufferscope.Core.Checks;

/// <summary>
/// The kernel a check runs its cases in, supervised: a batch comes back with its results, or
/// with those it logged before the kernel ended, how it ended and the case that was running (from
/// <see cref="CheckProgress"/>),
/// after which the next batch gets a fresh kernel, set up and prepared again. A case that ignores
/// its interrupt for the kill grace has its kernel killed: a hang, not a crash.
/// Disposing ends the kernel.
/// </summary>
public sealed class CheckKernel : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly Func<CancellationToken, Task<IKernelHandle>> _start;
    private readonly string _target;
    private readonly string? _reference;
    private readonly string _mode;
    private readonly string _progressPath;
    private readonly CheckProgress _progress;
    private readonly TimeSpan _caseTimeout;
    private readonly TimeSpan _killGrace;
    private IKernelHandle? _kernel;

    /// <param name="start">A started kernel whose session is set up (its code run) for the target to resolve in.</param>
    public CheckKernel(Func<CancellationToken, Task<IKernelHandle>> start, string target, string? reference, string progressPath, TimeSpan caseTimeout, TimeSpan killGrace, string mode = "consumer")
    {
        (_start, _target, _reference, _progressPath, _caseTimeout, _killGrace, _mode) = (start, target, reference, progressPath, caseTimeout, killGrace, mode);
        _progress = new CheckProgress(progressPath, create: true);
    }

    /// <summary>The target's repr, as the kernel resolved it.</summary>
    public string? TargetRepr { get; private set; }

    /// <summary>What faulthandler wrote before the last kernel died (null: it was killed, or none died).</summary>
    public string? LastTraceback { get; private set; }

    /// <summary>Kernels started and prepared for this check: 1, one per crash or killed hang, and the standbys.</summary>
    public int Starts { get; private set; }

    /// <summary>Milliseconds the check waited for a kernel to be started, set up and prepared, in all.</summary>
    public double StartMs { get; private set; }

    /// <summary>
    /// Makes sure a live, prepared kernel is there; a target that does not resolve throws
    /// <see cref="Buffers.BufferSpecException"/>. After the first death a standby kernel is kept
    /// started and prepared in the background, so the next death costs a swap, not a start: a
    /// target that crashed once is likely to again, and a start is most of a second of CPU.
    /// After the second, two are kept, started side by side: a target that crashes every 100
    /// cases (a tenth of a second) would otherwise wait for each start in turn.
    /// </summary>
    public async Task<IKernelHandle> ReadyAsync(CancellationToken cancellationToken)
    {
        if (_kernel is { Exited.IsCompleted: false })
            return _kernel;
        var replacing = _kernel is not null;
        if (_kernel is not null)
        {
            _deaths++;
            await _kernel.DisposeAsync().ConfigureAwait(false);
        }
        _kernel = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IKernelHandle? kernel = null;
        if (_standbys.TryDequeue(out var standby))
        {
            try { kernel = await standby.WaitAsync(cancellationToken).ConfigureAwait(false); }
            catch (Exception) when (!cancellationToken.IsCancellationRequested) { } // it failed to start: start one here, and let that failure be seen
            if (kernel is { Exited.IsCompleted: true })
            {
                await kernel.DisposeAsync().ConfigureAwait(false);
                kernel = null;
            }
        }
        kernel ??= await StartPreparedAsync(cancellationToken).ConfigureAwait(false);
        StartMs += clock.Elapsed.TotalMilliseconds;
        if (replacing)
            while (_standbys.Count < Math.Min(_deaths, MaxStandbys))
                _standbys.Enqueue(StartPreparedAsync(CancellationToken.None));
        return _kernel = kernel;
    }

    private const int MaxStandbys = 2;
    private readonly Queue<Task<IKernelHandle>> _standbys = new();
    private int _deaths;

    private async Task<IKernelHandle> StartPreparedAsync(CancellationToken cancellationToken)
    {
        var kernel = await _start(cancellationToken).ConfigureAwait(false);
        try
        {
            TargetRepr = await kernel.Kernel.PrepareCheckAsync(_target, _reference, _mode, cancellationToken).ConfigureAwait(false);
            lock (this)
                Starts++;
            return kernel;
        }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs cases from the start of <paramref name="cases"/> for about <paramref name="budget"/>:
    /// the results of those that ran, or, when the kernel ended, those lost and the case to blame.
    /// </summary>
    public async Task<BatchOutcome> RunAsync(IReadOnlyList<CheckCase> cases, TimeSpan budget, CancellationToken cancellationToken)
    {
        var kernel = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        _progress.Reset();
        var call = kernel.Kernel.RunCasesAsync(cases, _progressPath, (int)_caseTimeout.TotalMilliseconds, (int)budget.TotalMilliseconds, CancellationToken.None);
        _ = call.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // a dead kernel's call fails: observed here
        var length = -1L;
        var since = DateTime.UtcNow;
        var killed = false;
        while (true)
        {
            var first = await Task.WhenAny(call, kernel.Exited, Task.Delay(Poll, CancellationToken.None)).ConfigureAwait(false);
            if (first == call && call.IsCompletedSuccessfully)
                return new BatchOutcome(call.Result, null, null, null);
            if (first == call && call.Exception?.InnerException is not ConnectionLostException)
                await call.ConfigureAwait(false); // the call's own error (a refusal): let it be seen
            if (kernel.Exited.IsCompleted || first == call)
                break;
            // The log grows with every case begun and done: unchanged past the time limit and the
            // grace, a case ignored its interrupt.
            var now = _progress.Length;
            if (now != length)
                (length, since) = (now, DateTime.UtcNow);
            else if (!killed && DateTime.UtcNow - since > _caseTimeout + _killGrace)
            {
                killed = true;
                kernel.Kill("a case ignored its interrupt");
            }
        }
        var exit = await kernel.Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        var (results, running) = _progress.Read();
        // The case that was running when the kernel ended; none logged (it died between cases): the next one.
        var ended = cases.FirstOrDefault(c => c.Index == running) ?? cases[Math.Min(results.Count, cases.Count - 1)];
        LastTraceback = killed ? null : kernel.OutputTail;
        return new BatchOutcome(results, ended, exit, LastTraceback);
    }

    public async ValueTask DisposeAsync()
    {
        if (_kernel is not null)
            await _kernel.DisposeAsync().ConfigureAwait(false);
        foreach (var standby in _standbys)
        {
            try { await (await standby.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is not OutOfMemoryException) { } // it never started: nothing to end
        }
        _standbys.Clear();
        _progress.Dispose();
        try { File.Delete(_progressPath); }
        catch (IOException) { }
    }
}

/// <summary>
/// A batch's end: the results of the cases that ran (in order, from the first), and, when its
/// kernel ended, <see cref="Ended"/>, the case that was running then; <see cref="Exit"/> says how
/// (killed: a hang), <see cref="Traceback"/> what faulthandler wrote.
/// </summary>
public sealed record BatchOutcome(IReadOnlyList<CaseResult> Results, CheckCase? Ended, KernelExit? Exit, string? Traceback);
