using System.Diagnostics;
using System.Text.Json;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;
using Bufferscope.Core.Python;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Requests;

/// <summary>
/// The request workbench, kernel side: asks an exporter of the session for a buffer with exactly
/// the flags given (<c>PyObject_GetBuffer</c>, through <see cref="ExporterProbe"/>), copies every
/// field and releases the view before answering; then asks CPython's reference exporter the same,
/// a <c>_testbuffer.ndarray</c> made with the layout the exporter's fullest answer describes.
///
/// Finding the exporter runs the user's expression, and asking runs its <c>__buffer__</c>: both
/// are a run of their own for the interrupt, which gets KeyboardInterrupt past
/// <see cref="Limit"/>, so a request can hold the session's Python thread no longer than that.
/// </summary>
public sealed class RequestWorkbench
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Resend = TimeSpan.FromMilliseconds(200);
    private readonly PythonRuntime _python;
    private readonly SessionManager _sessions;
    private readonly ExporterRegistry _exporters;
    private nint _resolve;
    private nint _reference;
    private nint _typeName;

    internal RequestWorkbench(PythonRuntime python, SessionManager sessions, ExporterRegistry exporters) =>
        (_python, _sessions, _exporters) = (python, sessions, exporters);

    /// <summary>
    /// The answer to <paramref name="flags"/> from a buffer of the session or the object an
    /// expression names; <see cref="BufferSpecException"/> for "expression" when it raises (or
    /// runs past the limit), <see cref="NotFoundException"/> for a buffer the session lacks.
    /// </summary>
    public Task<RequestAnswer> AskAsync(string sessionId, long? bufferId, string? expression, int flags) => _python.RunAsync(() =>
    {
        Install();
        var run = _python.NewServerRunId();
        var started = Stopwatch.GetTimestamp();
        _python.BeginRun(run);
        var watchdog = new Timer(_ =>
        {
            if (Stopwatch.GetElapsedTime(started) >= Limit)
                _python.Interrupt(run, InterruptReason.TimeLimit);
        }, null, Limit, Resend);
        nint obj = 0;
        try
        {
            obj = bufferId is { } id ? Buffer(sessionId, id) : Evaluate(sessionId, expression!);
            var answer = ExporterProbe.Request(obj, flags);
            if (answer.ErrorType == "KeyboardInterrupt")
                throw Interrupted("asking for the buffer");
            var reference = Reference(obj, flags);
            var view = answer.Ok ? View(answer) : null;
            bool? agrees = reference.Unavailable is not null ? null
                : answer.Ok == reference.Ok && (!answer.Ok || view!.SameAs(reference.View!));
            return new RequestAnswer(flags, RequestFlagNames.Describe(flags), RequestFlagNames.Decompose(flags), TypeName(obj),
                answer.Ok, view, answer.Ok ? null : new RequestError(answer.ErrorType ?? "SystemError", answer.ErrorMessage ?? ""),
                reference, agrees);
        }
        finally
        {
            watchdog.Dispose();
            _python.EndRun();
            if (obj != 0)
                Interop.Py_DecRef(obj);
        }
    });

    /// <summary>The MemBuf of a buffer the session has (a new reference).</summary>
    private nint Buffer(string sessionId, long id)
    {
        if (_exporters.Get(id) is not { IsFreed: false, PythonObject: not 0 } buffer || buffer.SessionId != sessionId)
            throw new NotFoundException($"no buffer with id {id} in session '{sessionId}'");
        Interop.Py_IncRef(buffer.PythonObject);
        return buffer.PythonObject;
    }

    /// <summary>What the expression evaluates to in the session (a new reference).</summary>
    private nint Evaluate(string sessionId, string expression)
    {
        var text = PyConvert.FromString(expression);
        try { return PyConvert.Call(_resolve, _sessions.GlobalsOf(sessionId), text); }
        catch (PythonException e) when (e.PythonType == "KeyboardInterrupt") { throw Interrupted("evaluating the expression"); }
        catch (PythonException e) { throw new BufferSpecException("expression", $"{e.PythonType}: {e.PythonMessage}"); }
        finally { Interop.Py_DecRef(text); }
    }

    private static BufferSpecException Interrupted(string doing) =>
        new("expression", $"{doing} ran past {Limit.TotalSeconds:0} s and was interrupted (KeyboardInterrupt)");

    /// <summary>The reference exporter for the layout the exporter's fullest answer describes, asked the same.</summary>
    private RequestReference Reference(nint exporter, int flags)
    {
        var full = ExporterRules.Describing.Select(f => ExporterProbe.Request(exporter, f)).FirstOrDefault(a => a.Ok);
        if (full is null)
            return Unavailable($"the exporter refused every request, even {RequestFlagNames.Describe(ExporterRules.Describing[^1])}: there is no layout to give the reference");
        if (full.Suboffsets is not null)
            return Unavailable("the exporter's layout has suboffsets (PIL-style): _testbuffer.ndarray is made here without them");
        var layout = ExporterRules.Describe(full);
        var json = PyConvert.FromString(JsonSerializer.Serialize(new { format = layout.Format, shape = layout.Shape, strides = layout.Strides, @readonly = full.ReadOnly }));
        nint made;
        try { made = PyConvert.Call(_reference, json); }
        finally { Interop.Py_DecRef(json); }
        try
        {
            var reference = Interop.PyTuple_GetItem(made, 0);
            var said = PyConvert.ToString(Interop.PyTuple_GetItem(made, 1));
            if (reference == Builtins.None)
                return Unavailable(said);
            var answer = ExporterProbe.Request(reference, flags);
            return new RequestReference(said, answer.Ok, answer.Ok ? View(answer) : null,
                answer.Ok ? null : new RequestError(answer.ErrorType ?? "SystemError", answer.ErrorMessage ?? ""), null);
        }
        finally { Interop.Py_DecRef(made); }
    }

    private static RequestReference Unavailable(string why) => new(null, false, null, null, why);

    private static RequestView View(ExportAnswer a) => new(a.Len, a.ItemSize, a.ReadOnly, a.NDim, a.Format, a.Shape, a.Strides, a.Suboffsets);

    private string TypeName(nint obj) => PyConvert.ToStringAndRelease(PyConvert.Call(_typeName, obj));

    /// <summary>requests.py, once. Python thread.</summary>
    private void Install()
    {
        if (_resolve != 0)
            return;
        var module = PythonRuntime.LoadModule("_bufferscope_requests", "requests.py");
        _resolve = PyConvert.Check(Interop.PyObject_GetAttrString(module, "resolve"));
        _reference = PyConvert.Check(Interop.PyObject_GetAttrString(module, "reference_for"));
        _typeName = PyConvert.Check(Interop.PyObject_GetAttrString(module, "type_name"));
    }
}
