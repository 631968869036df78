using System.Diagnostics;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Checks;

/// <summary>
/// One consumer check, run: the probe of each format, then the matrix and the random cases of
/// the formats the target accepted, in batches in its <see cref="CheckKernel"/>. Each failing case
/// is shrunk on the spot (at most <see cref="MaxShrinksPerKind"/> per kind; later ones of a kind
/// count towards the finding of theirs they match, or the kind's first) and becomes a finding.
/// A crash or a hang is a case's result like any other: the kernel is started again and the run
/// goes on with the next case.
/// </summary>
public sealed class CheckRun
{
    public const int MaxFindings = 100;
    public const int MaxShrinksPerKind = 8;
    private const int BatchSize = 512;
    private const int MaxShrinkRounds = 64;
    private static readonly TimeSpan BatchBudget = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShrinkBudget = TimeSpan.FromSeconds(20);
    private const int ShrinkIndexBase = 1 << 30;

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly Dictionary<string, int> _counts = CheckKinds.All.ToDictionary(k => k, _ => 0);
    private readonly List<Finding> _findings = [];
    private readonly Dictionary<string, int> _shrunk = [];
    // An exporter check's findings, by rule: the request each one shows now.
    private readonly Dictionary<string, int> _ruleFlags = [];
    private readonly Stopwatch _clock = new();
    private string _state = CheckStates.Running;
    private int _total;
    private int _done;
    private string? _error;
    private int _shrinkIndex = ShrinkIndexBase;

    public CheckRun(string id, string sessionId, CheckRequest request)
    {
        Id = id;
        SessionId = sessionId;
        Request = request;
    }

    public string Id { get; }
    public string SessionId { get; }
    public CheckRequest Request { get; }
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public bool IsRunning => Volatile.Read(ref _state) == CheckStates.Running;

    /// <summary>After each batch and each finding, and once at the end.</summary>
    public event Action<CheckRun>? Progressed;

    /// <summary>Completes when the check has ended, however it ended.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Milliseconds each shrink took, for the benchmark.</summary>
    public IReadOnlyList<double> ShrinkTimes => _shrinkTimes;
    private readonly List<double> _shrinkTimes = [];

    public void Cancel() => _cancel.Cancel();

    public CheckReport Report()
    {
        lock (_lock)
            return new CheckReport(Id, SessionId, Request.Mode!, Request.Target!, Request.Reference, Request.Cases!, Request.Seed, _state, _total, _done,
                new Dictionary<string, int>(_counts), [.. _findings], _error, StartedAt, Math.Round(_clock.Elapsed.TotalMilliseconds, 1))
            {
                KernelStarts = _kernel?.Starts ?? 0,
                KernelStartMs = Math.Round(_kernel?.StartMs ?? 0, 1),
            };
    }

    /// <summary>Starts the run in <paramref name="kernel"/>, which it disposes at the end.</summary>
    public void Start(CheckKernel kernel)
    {
        _kernel = kernel;
        Completion = Task.Run(() => RunAsync(kernel));
    }

    private CheckKernel? _kernel;

    private async Task RunAsync(CheckKernel kernel)
    {
        _clock.Start();
        var cancel = _cancel.Token;
        try
        {
            await kernel.ReadyAsync(cancel).ConfigureAwait(false);
            if (Request.Mode == "exporter")
            {
                var requests = ExporterRules.Requests.Select((f, i) => new CheckCase(i, null, Flags: f)).ToList();
                lock (_lock)
                    _total = requests.Count;
                await RunCasesAsync(kernel, requests, null, cancel).ConfigureAwait(false);
                End(CheckStates.Done, null);
                return;
            }
            var size = Request.Cases!;
            var formats = CaseSet.Formats(size);
            var probes = CaseSet.Probes(formats).Select((l, i) => new CheckCase(i, l)).ToList();
            var perFormat = CaseSet.Matrix("B", size).Count();
            lock (_lock)
                _total = probes.Count + formats.Count * perFormat + CaseSet.RandomCount(size);
            var accepted = new List<string>();
            await RunCasesAsync(kernel, probes, (c, r) => { if (r.Kind != CheckKinds.Refused) accepted.Add(c.Layout!.Format); }, cancel).ConfigureAwait(false);
            accepted = [.. formats.Where(accepted.Contains)]; // in the set's order, whatever order results came in
            var rest = accepted.SelectMany(f => CaseSet.Matrix(f, size))
                .Concat(CaseSet.Random(accepted, CaseSet.RandomCount(size), Request.Seed, size))
                .Select((l, i) => new CheckCase(probes.Count + i, l)).ToList();
            lock (_lock)
                _total = probes.Count + rest.Count;
            await RunCasesAsync(kernel, rest, null, cancel).ConfigureAwait(false);
            End(CheckStates.Done, null);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { End(CheckStates.Cancelled, null); }
        catch (BufferSpecException e) { End(CheckStates.Failed, e.Detail); }
        catch (Exception e) { End(CheckStates.Failed, $"{e.GetType().Name}: {e.Message}"); }
        finally
        {
            _clock.Stop();
            await kernel.DisposeAsync().ConfigureAwait(false);
            Progressed?.Invoke(this);
        }
    }

    private void End(string state, string? error)
    {
        lock (_lock)
        {
            _state = state;
            _error = error;
        }
    }

    /// <summary>Every case, each result recorded (and shrunk when it fails); a case its kernel died in is a crash or a hang.</summary>
    private async Task RunCasesAsync(CheckKernel kernel, List<CheckCase> cases, Action<CheckCase, CaseResult>? seen, CancellationToken cancel)
    {
        var pending = new Queue<CheckCase>(cases);
        while (pending.Count > 0)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = pending.Take(BatchSize).ToList();
            var outcome = await kernel.RunAsync(batch, BatchBudget, cancel).ConfigureAwait(false);
            var byIndex = batch.ToDictionary(c => c.Index);
            foreach (var result in outcome.Results)
            {
                pending.Dequeue();
                var c = byIndex[result.Index];
                seen?.Invoke(c, result);
                await RecordAsync(kernel, c, result, cancel).ConfigureAwait(false);
            }
            if (outcome.Ended is { } ended)
            {
                pending = new Queue<CheckCase>(pending.Where(c => c != ended));
                var died = Died(ended, outcome);
                seen?.Invoke(ended, died);
                await RecordAsync(kernel, ended, died, cancel).ConfigureAwait(false);
            }
            Progressed?.Invoke(this);
        }
    }

    private static CaseResult Died(CheckCase c, BatchOutcome outcome) => outcome.Traceback is null
        ? new CaseResult(c.Index, CheckKinds.Hang, null, null, $"ignored KeyboardInterrupt past its time limit; its kernel was killed ({outcome.Exit!.Reason})", null)
        : new CaseResult(c.Index, CheckKinds.Crash, null, null, $"kernel died: {outcome.Exit!.Reason}", null);

    private async Task RecordAsync(CheckKernel kernel, CheckCase c, CaseResult result, CancellationToken cancel)
    {
        lock (_lock)
        {
            _counts[result.Kind] = _counts.GetValueOrDefault(result.Kind) + 1;
            _done++;
        }
        if (!CheckKinds.IsFinding(result.Kind))
            return;
        if (c.Flags is { } flags)
        {
            RecordRequest(flags, result, kernel);
            return;
        }
        int shrinks;
        bool full;
        lock (_lock)
            (shrinks, full) = (_shrunk.GetValueOrDefault(result.Kind), _findings.Count >= MaxFindings);
        if (shrinks >= MaxShrinksPerKind || full)
        {
            lock (_lock)
            {
                var index = _findings.FindIndex(f => f.Kind == result.Kind);
                if (index >= 0)
                    _findings[index] = _findings[index] with { Cases = _findings[index].Cases + 1 };
            }
            return;
        }
        lock (_lock)
            _shrunk[result.Kind] = shrinks + 1;
        var traceback = result.Kind == CheckKinds.Crash ? kernel.LastTraceback : null;
        var clock = Stopwatch.StartNew();
        var (layout, smallest) = await ShrinkAsync(kernel, c.Layout!, result, cancel).ConfigureAwait(false);
        if (smallest.Kind == CheckKinds.Crash)
            traceback = kernel.LastTraceback ?? traceback;
        var data = smallest.Data ?? await DataAsync(kernel, layout, cancel).ConfigureAwait(false);
        var finding = new Finding(result.Kind, layout, null, Repro.Call(Request.Target!, layout.Repro(data)), smallest.Expected, smallest.Got, smallest.Detail)
        {
            Original = c.Layout,
            Data = data,
            Drawing = LayoutDrawing.Text(layout),
            Traceback = traceback,
            ShrinkMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
        };
        lock (_lock)
        {
            _shrinkTimes.Add(finding.ShrinkMs);
            var same = _findings.FindIndex(f => f.Kind == finding.Kind && f.Layout.SameAs(finding.Layout));
            if (same >= 0)
                _findings[same] = _findings[same] with { Cases = _findings[same].Cases + 1 };
            else
                _findings.Add(finding);
        }
        Progressed?.Invoke(this);
    }

    /// <summary>
    /// An exporter's finding: one per rule it breaks, under the request with the fewest flags that
    /// meets it (an exporter's layout is its own, so the request is what shrinks).
    /// </summary>
    private void RecordRequest(int flags, CaseResult result, CheckKernel kernel)
    {
        var layout = result.Layout ?? new CaseLayout("B", [], [], 0, false);
        var names = RequestFlagNames.Describe(flags);
        var finding = new Finding(result.Kind, layout, names, $"{Request.Target}.__buffer__(0x{flags:x})  # {names}; __buffer__ is Python 3.12+",
            result.Expected, result.Got, result.Detail)
        {
            Traceback = result.Kind == CheckKinds.Crash ? kernel.LastTraceback : null,
        };
        var rule = $"{finding.Kind}: {finding.Detail}";
        lock (_lock)
        {
            var same = _findings.FindIndex(f => $"{f.Kind}: {f.Detail}" == rule);
            if (same < 0)
            {
                _findings.Add(finding);
                _ruleFlags[rule] = flags;
            }
            else if (int.PopCount(flags) < int.PopCount(_ruleFlags[rule]))
            {
                _findings[same] = finding with { Cases = _findings[same].Cases + 1 };
                _ruleFlags[rule] = flags;
            }
            else
                _findings[same] = _findings[same] with { Cases = _findings[same].Cases + 1 };
        }
    }

    /// <summary>The simplest layout that still fails the way <paramref name="result"/> did, and its result.</summary>
    private async Task<(CaseLayout, CaseResult)> ShrinkAsync(CheckKernel kernel, CaseLayout layout, CaseResult result, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < MaxShrinkRounds && clock.Elapsed < ShrinkBudget; round++)
        {
            var candidates = Shrinker.Candidates(layout).Select(l => new CheckCase(Interlocked.Increment(ref _shrinkIndex), l)).ToList();
            var found = await FirstFailingAsync(kernel, candidates, result.Kind, cancel).ConfigureAwait(false);
            if (found is null)
                break;
            (layout, result) = found.Value;
        }
        return (layout, result);
    }

    /// <summary>The first candidate, in order, that fails with <paramref name="kind"/>.</summary>
    private static async Task<(CaseLayout, CaseResult)?> FirstFailingAsync(CheckKernel kernel, List<CheckCase> candidates, string kind, CancellationToken cancel)
    {
        var pending = candidates;
        while (pending.Count > 0)
        {
            cancel.ThrowIfCancellationRequested();
            var outcome = await kernel.RunAsync(pending, BatchBudget, cancel).ConfigureAwait(false);
            foreach (var r in outcome.Results)
                if (r.Kind == kind)
                    return (pending.First(c => c.Index == r.Index).Layout!, r);
            pending = pending[outcome.Results.Count..];
            if (outcome.Ended is { } ended)
            {
                var died = Died(ended, outcome);
                if (died.Kind == kind)
                    return (ended.Layout!, died);
                pending = [.. pending.Where(c => c != ended)];
            }
        }
        return null;
    }

    /// <summary>A case's bytes from the kernel, without running the target (a crash's case never answered).</summary>
    private async Task<string?> DataAsync(CheckKernel kernel, CaseLayout layout, CancellationToken cancel)
    {
        var outcome = await kernel.RunAsync([new CheckCase(Interlocked.Increment(ref _shrinkIndex), layout, DataOnly: true)], BatchBudget, cancel).ConfigureAwait(false);
        return outcome.Results.FirstOrDefault()?.Data;
    }
}
