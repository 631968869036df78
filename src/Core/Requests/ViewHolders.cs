using System.Text.Json;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Python;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Requests;

/// <summary>An object that keeps a view: its type (numpy.ndarray), the name the session reaches it by (a, _views['buf'][0]), and what it keeps the view through (memoryview).</summary>
public sealed record ViewHolder(string Type, string? Name, string? Via)
{
    /// <summary>"numpy.ndarray a (through a memoryview)", as the views panel says it.</summary>
    public override string ToString() =>
        $"{Type}{(Name is null ? "" : $" {Name}")}{(Via is null ? "" : $" (through a {Via})")}";
}

/// <summary>One live view and what holds it: several objects when they share one memoryview's export (slices, casts).</summary>
public sealed record HeldView(long View, IReadOnlyList<ViewHolder> Holders);

/// <summary>
/// Finds who holds each live view of a buffer (holders.py), kernel side, on demand: it scans
/// what the session reaches and, when that finds nothing, the objects the collector tracks, so it
/// is asked for one buffer when a page shows its views, not on every export. The ledger records
/// where each consumer keeps its Py_buffer; no user code runs (identity and C-level traversal only).
/// </summary>
public sealed class ViewHolders
{
    private readonly PythonRuntime _python;
    private readonly SessionManager _sessions;
    private readonly ExporterRegistry _exporters;
    private nint _holders;

    internal ViewHolders(PythonRuntime python, SessionManager sessions, ExporterRegistry exporters) =>
        (_python, _sessions, _exporters) = (python, sessions, exporters);

    /// <summary>The live views of a buffer of the session, oldest first, each with its holders; <see cref="NotFoundException"/> for a buffer the session lacks.</summary>
    public Task<IReadOnlyList<HeldView>> FindAsync(string sessionId, long bufferId) => _python.RunAsync<IReadOnlyList<HeldView>>(() =>
    {
        if (_exporters.Get(bufferId) is not { IsFreed: false } buffer || buffer.SessionId != sessionId)
            throw new NotFoundException($"no buffer with id {bufferId} in session '{sessionId}'");
        var live = buffer.Ledger.Snapshot().Live; // GIL held: no export starts or ends while the holders are looked for
        if (live.Count == 0)
            return [];
        if (_holders == 0)
            _holders = PyConvert.Check(Interop.PyObject_GetAttrString(PythonRuntime.LoadModule("_bufferscope_holders", "holders.py"), "holders"));
        var asked = PyConvert.FromString(JsonSerializer.Serialize(live.Select(e => new[] { e.Id, (long)e.View })));
        string answer;
        try { answer = PyConvert.ToStringAndRelease(PyConvert.Call(_holders, _sessions.GlobalsOf(sessionId), asked)); }
        finally { Interop.Py_DecRef(asked); }
        return JsonSerializer.Deserialize(answer, HolderJson.Default.ListHeldView) ?? [];
    });
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<HeldView>))]
internal sealed partial class HolderJson : System.Text.Json.Serialization.JsonSerializerContext;
