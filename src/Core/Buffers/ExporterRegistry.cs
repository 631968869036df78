using System.Collections.Concurrent;

namespace Bufferscope.Core.Buffers;

/// <summary>Every exporter whose memory is alive, however it was made (API or Python). Any thread.</summary>
public sealed class ExporterRegistry
{
    private readonly ConcurrentDictionary<long, Exporter> _exporters = new();

    public int Count => _exporters.Count;

    internal void Add(Exporter exporter) => _exporters[exporter.Id] = exporter;
    internal void Remove(Exporter exporter) => _exporters.TryRemove(exporter.Id, out _);

    public Exporter? Get(long id) => _exporters.GetValueOrDefault(id);

    public IReadOnlyList<Exporter> All() => [.. _exporters.Values.OrderBy(e => e.Id)];

    public IReadOnlyList<Exporter> OfSession(string sessionId) =>
        [.. _exporters.Values.Where(e => e.SessionId == sessionId).OrderBy(e => e.Id)];
}
