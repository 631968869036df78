using Bufferscope.Core.Python;

namespace Bufferscope.Core.Sessions;

/// <summary>
/// A named workspace: its own Python namespace (a globals dict), the buffers bound there, and a
/// console. The namespace is touched only on the Python thread. It is idle while nothing asks for
/// it and no live stream holds it (see <see cref="SessionExpiry"/>).
/// </summary>
internal sealed class Session(string id, string name, PyObjectHandle globals)
{
    private long _runs;
    private long _lastActive = Environment.TickCount64;
    private int _holds;

    /// <summary>Asked for now: idle time starts again.</summary>
    public void Touch() => Volatile.Write(ref _lastActive, Environment.TickCount64);

    /// <summary>Held by a live stream until disposed: never idle meanwhile.</summary>
    public IDisposable Hold()
    {
        Interlocked.Increment(ref _holds);
        Touch();
        return new Release(this);
    }

    /// <summary>How long nothing has asked for it; zero while held.</summary>
    public TimeSpan IdleFor(long now) =>
        Volatile.Read(ref _holds) > 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(0, now - Volatile.Read(ref _lastActive)));

    private sealed class Release(Session session) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                session.Touch();
                Interlocked.Decrement(ref session._holds);
            }
        }
    }

    public string Id { get; } = id;
    public string Name { get; } = name;
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public PyObjectHandle Globals { get; } = globals;
    public bool Deleted { get; set; }

    public long NextRun() => Interlocked.Increment(ref _runs);

    public SessionInfo Info => new(Id, Name, CreatedAt);
}
