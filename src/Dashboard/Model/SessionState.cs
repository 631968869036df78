using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// A session as its page shows it: the session and its kernel, its buffers in id order, each with
/// its live count and its live views, and the progress of each check seen running, folded from one
/// snapshot and the batches after it.
///
/// Applying an event twice changes nothing (counts are the count now, views go by id, buffers by
/// id, a check's progress is its progress now), which is what makes subscribe-then-snapshot atomic: a change that happened just before the
/// snapshot and arrives after it is a no-op. Not thread-safe: the feed applies on one thread.
/// </summary>
public sealed class SessionState
{
    private readonly SortedDictionary<long, BufferDto> _buffers = [];
    private readonly Dictionary<string, HubCheck> _checks = [];

    public SessionDto? Session { get; private set; }
    public KernelDto? Kernel => Session?.Kernel;
    public IReadOnlyList<BufferDto> Buffers { get; private set; } = [];
    /// <summary>
    /// Each check's latest checkProgressed, by check id: counts and how many findings, not the
    /// findings (GET .../checks/{id} has them). Only checks that progressed since this page
    /// subscribed: the snapshot carries none, so a panel lists the older ones over HTTP.
    /// </summary>
    public IReadOnlyDictionary<string, HubCheck> Checks { get; private set; } = new Dictionary<string, HubCheck>();
    /// <summary>True once a snapshot has been applied.</summary>
    public bool Loaded => Session is not null;

    public BufferDto? Find(long id) => _buffers.GetValueOrDefault(id);

    public void Apply(SessionSnapshotDto snapshot)
    {
        Session = snapshot.Session;
        _buffers.Clear();
        foreach (var b in snapshot.Buffers)
            _buffers[b.Id] = b;
        Buffers = [.. _buffers.Values];
        // Checks stay: the snapshot says nothing of them, so what was known of each is still the best known.
    }

    public void Apply(IEnumerable<HubEvent> batch)
    {
        var checks = false;
        foreach (var e in batch)
        {
            Apply(e);
            checks |= e.Kind == "checkProgressed";
        }
        Buffers = [.. _buffers.Values];
        if (checks)
            Checks = new Dictionary<string, HubCheck>(_checks);
    }

    private void Apply(HubEvent e)
    {
        switch (e.Kind)
        {
            case "bufferCreated" when e.Buffer is { } created:
                // Again for the same id when a MemBuf made in Python takes its name: keep what is live.
                _buffers[created.Id] = _buffers.TryGetValue(created.Id, out var known)
                    ? known with { Name = created.Name }
                    : created;
                break;
            case "bufferFreed" when e.BufferId is { } id:
                _buffers.Remove(id);
                break;
            case "exportAcquired" or "exportReleased" or "memoryWritten" when e.BufferId is { } id && _buffers.TryGetValue(id, out var b):
                var views = b.Views;
                if (e.Kind == "exportAcquired" && e.View is { } view && views.All(v => v.Id != view.Id))
                    views = [.. views, view];
                else if (e.Kind == "exportReleased" && e.ViewId is { } gone)
                    views = [.. views.Where(v => v.Id != gone)];
                _buffers[id] = b with { Exports = e.Exports ?? b.Exports, Views = views };
                break;
            case "exportRefused" when e.BufferId is { } id && e.Refusal is { } refusal && _buffers.TryGetValue(id, out var refusing):
                // The newest kept, as the descriptor keeps them.
                _buffers[id] = refusing with { Refused = [.. (refusing.Refused ?? []).Append(refusal).TakeLast(Bufferscope.Core.Buffers.Exporter.KeptRefusals)] };
                break;
            case "checkProgressed" when e.Check is { } check:
                _checks[check.Id] = check;
                break;
            case "kernelStateChanged" when e.Kernel is { } kernel && Session is not null:
                Session = Session with { Kernel = kernel };
                if (kernel.State == "dead")
                    foreach (var (id, dead) in _buffers.ToList())
                        _buffers[id] = dead with { Exports = 0, Views = [] }; // every view went with the kernel
                break;
        }
    }
}
