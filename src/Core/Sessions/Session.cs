using Bufferscope.Core.Python;

namespace Bufferscope.Core.Sessions;

/// <summary>
/// A named workspace: its own Python namespace (a globals dict), the buffers bound there, and a
/// console. The namespace is touched only on the Python thread.
/// </summary>
internal sealed class Session(string id, string name, PyObjectHandle globals)
{
    private long _runs;

    public string Id { get; } = id;
    public string Name { get; } = name;
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public PyObjectHandle Globals { get; } = globals;
    public bool Deleted { get; set; }

    public long NextRun() => Interlocked.Increment(ref _runs);

    public SessionInfo Info => new(Id, Name, CreatedAt);
}
