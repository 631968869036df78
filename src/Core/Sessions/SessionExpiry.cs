namespace Bufferscope.Core.Sessions;

/// <summary>
/// Bufferscope:Sessions:IdleTimeout: sessions nothing has asked for (no request, no run) and no
/// live stream holds for that long are deleted with force, so a server full of forgotten sessions
/// recovers without a restart. Looks a few times per timeout (at most once a minute, at least
/// once a second); off unless configured, and then a timer costs nothing between looks.
/// </summary>
public sealed class SessionExpiry : IDisposable
{
    private readonly Func<TimeSpan, Task<IReadOnlyList<SessionInfo>>> _deleteIdle;
    private readonly TimeSpan _idle;
    private readonly Timer _timer;
    private int _looking;

    /// <param name="deleteIdle">Deletes, with force, the sessions idle that long, and says which.</param>
    public SessionExpiry(Func<TimeSpan, Task<IReadOnlyList<SessionInfo>>> deleteIdle, TimeSpan idle)
    {
        _deleteIdle = deleteIdle;
        _idle = idle;
        var every = TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        _timer = new Timer(_ => _ = LookAsync(), null, every, every);
    }

    /// <summary>A session was deleted for being idle.</summary>
    public event Action<SessionInfo, TimeSpan>? Expired;

    private async Task LookAsync()
    {
        if (Interlocked.Exchange(ref _looking, 1) == 1)
            return; // the look before is still deleting
        try
        {
            foreach (var session in await _deleteIdle(_idle).ConfigureAwait(false))
                Expired?.Invoke(session, _idle);
        }
        catch (ObjectDisposedException)
        {
            // Python was shut down under it (the server is stopping): nothing is left to expire.
        }
        finally { Volatile.Write(ref _looking, 0); }
    }

    public void Dispose() => _timer.Dispose();
}
