using System.Diagnostics;
using System.Text.Json;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Python;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Checks;

/// <summary>
/// Runs a check's cases in this process's interpreter, one session's namespace at a time
/// (checks.py judges each case). The kernel's side of a check: the server sends cases in batches
/// and learns, from the progress file, which case was running if the kernel dies or stops.
///
/// Each case is a run of its own for the interrupt: past its time limit it gets KeyboardInterrupt
/// (again every 200 ms), which only that case can receive, and is a hang. A batch returns after
/// its time budget, so a crash loses little and progress stays live.
/// </summary>
public sealed class CaseRunner
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Resend = TimeSpan.FromMilliseconds(200);
    private readonly PythonRuntime _python;
    private readonly SessionManager _sessions;
    private readonly MemoryBudget _budget;
    private nint _prepare;
    private nint _module;
    private nint _runCase;
    // The case running now, for the watchdog: its interrupt token (0: none) and when it began.
    private long _caseToken;
    private long _caseStarted;
    private long _lastInterrupt;

    internal CaseRunner(PythonRuntime python, SessionManager sessions, MemoryBudget budget) =>
        (_python, _sessions, _budget) = (python, sessions, budget);

    /// <summary>Resolves the target (and the reference) in the session; answers with the target's repr, or throws <see cref="BufferSpecException"/> for "target" or "reference" saying why not, as Python did.</summary>
    public Task<string> PrepareAsync(string sessionId, string target, string? reference, string mode = "consumer") => _python.RunAsync(() =>
    {
        Install();
        var globals = _sessions.GlobalsOf(sessionId);
        var targetText = PyConvert.FromString(target);
        var referenceText = reference is null ? Builtins.NewNone() : PyConvert.FromString(reference);
        var modeText = PyConvert.FromString(mode);
        try
        {
            var answer = JsonSerializer.Deserialize<Prepared>(PyConvert.ToStringAndRelease(PyConvert.Call(_prepare, globals, targetText, referenceText, modeText)), s_json)!;
            if (answer.Repr is null)
                throw new BufferSpecException(answer.Parameter ?? "target", answer.Message ?? "does not name a callable");
            // A case's own path once, its target left out: in a fresh kernel the first case would
            // otherwise spend its time limit on JIT and JSON start-up, not on the target.
            RunOne(new CheckCase(-1, CaseLayout.Contiguous("B", [1]), DataOnly: true));
            return answer.Repr;
        }
        finally
        {
            Interop.Py_DecRef(targetText);
            Interop.Py_DecRef(referenceText);
            Interop.Py_DecRef(modeText);
        }
    });

    /// <summary>
    /// Runs cases in order until they are done or <paramref name="budget"/> has passed (at least
    /// one runs), logging each one's start and result to <paramref name="progressPath"/> (when given).
    /// </summary>
    public Task<IReadOnlyList<CaseResult>> RunAsync(IReadOnlyList<CheckCase> cases, string? progressPath, TimeSpan caseTimeout, TimeSpan budget)
    {
        if (_runCase == 0)
            throw new BufferSpecException("target", "no check is prepared in this kernel: prepare its target first");
        return _python.RunAsync<IReadOnlyList<CaseResult>>(() =>
        {
            using var progress = progressPath is null ? null : new CheckProgress(progressPath, create: false);
            using var watchdog = new Timer(_ => Watch(caseTimeout), null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
            var results = new List<CaseResult>(cases.Count);
            var clock = Stopwatch.StartNew();
            ExporterCases? exporter = null;
            foreach (var c in cases)
            {
                if (results.Count > 0 && clock.Elapsed > budget)
                    break;
                progress?.Began(c.Index);
                var result = c.Flags is { } flags ? Supervised(c, () => (exporter ??= new ExporterCases(_module)).Run(c.Index, flags)) : RunOne(c);
                progress?.Finished(result);
                results.Add(result);
            }
            return results;
        });
    }

    private CaseResult RunOne(CheckCase c)
    {
        if (c.Layout is not { } caseLayout)
            return new CaseResult(c.Index, CheckKinds.Refused, null, null, "a consumer case needs a layout", null);
        BufferLayout layout;
        try { layout = caseLayout.ToBufferLayout(); }
        catch (BufferSpecException e) { return new CaseResult(c.Index, CheckKinds.Refused, null, null, $"not a layout: {e.Message}", null); }
        var json = JsonSerializer.Serialize(new
        {
            format = caseLayout.Format, shape = caseLayout.Shape, strides = caseLayout.Strides, offset = caseLayout.Offset,
            @readonly = caseLayout.Readonly, size = layout.RequiredBytes, dataOnly = c.DataOnly,
        });
        return Supervised(c, () =>
        {
            var text = PyConvert.FromString(json);
            string answer;
            try { answer = PyConvert.ToStringAndRelease(PyConvert.Call(_runCase, text)); }
            finally { Interop.Py_DecRef(text); }
            var judged = JsonSerializer.Deserialize<Judged>(answer, s_json)!;
            return new CaseResult(c.Index, judged.Kind, judged.Expected, judged.Got, judged.Detail, judged.Data);
        });
    }

    /// <summary>One case as a run of its own for the interrupt: past its time limit, it is a hang.</summary>
    private CaseResult Supervised(CheckCase c, Func<CaseResult> run)
    {
        var token = _python.NewServerRunId();
        _python.BeginRun(token);
        Volatile.Write(ref _caseStarted, Stopwatch.GetTimestamp());
        Volatile.Write(ref _caseToken, token);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return run();
        }
        catch (PythonException e) when (e.PythonType == "KeyboardInterrupt")
        {
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return new CaseResult(c.Index, CheckKinds.Hang, null, null, $"still running after {ms:0} ms; interrupted (KeyboardInterrupt)", null);
        }
        catch (PythonException e)
        {
            // The judge itself failed on what the consumer gave (an __eq__ or a repr that raises past every guard).
            return new CaseResult(c.Index, CheckKinds.Wrong, null, $"{e.PythonType}: {e.PythonMessage}", "the result could not be judged", null);
        }
        finally
        {
            Volatile.Write(ref _caseToken, 0);
            _python.EndRun();
        }
    }

    private sealed record Prepared(string? Repr, string? Parameter, string? Message);

    private sealed record Judged(string Kind, string? Expected, string? Got, string? Detail, string? Data);

    private void Watch(TimeSpan caseTimeout)
    {
        var token = Volatile.Read(ref _caseToken);
        if (token == 0)
            return;
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _caseStarted), now) < caseTimeout)
            return;
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastInterrupt), now) < Resend)
            return;
        Volatile.Write(ref _lastInterrupt, now);
        _python.Interrupt(token, InterruptReason.TimeLimit);
    }

    /// <summary>checks.py with its builtins, once. Python thread.</summary>
    private void Install()
    {
        if (_prepare != 0)
            return;
        PythonRuntime.LoadModule("_bufferscope_compare", "compare.py");
        var module = _module = PythonRuntime.LoadModule("_bufferscope_checks", "checks.py", m => CaseBuffers.Install(m, _budget));
        _runCase = PyConvert.Check(Interop.PyObject_GetAttrString(module, "run_case"));
        _prepare = PyConvert.Check(Interop.PyObject_GetAttrString(module, "prepare"));
    }
}
