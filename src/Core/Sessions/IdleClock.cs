namespace Bufferscope.Core.Sessions;

/// <summary>
/// How long nothing has asked for a session: every call touches it, and a live stream holds it
/// (never idle meanwhile). What <see cref="SessionExpiry"/> reads. Any thread.
/// </summary>
public sealed class IdleClock
{
    private long _lastActive = Environment.TickCount64;
    private int _holds;

    public void Touch() => Volatile.Write(ref _lastActive, Environment.TickCount64);

    /// <summary>Held until disposed (once, however often).</summary>
    public IDisposable Hold()
    {
        Interlocked.Increment(ref _holds);
        Touch();
        return new Release(this);
    }

    /// <summary>Idle time at <paramref name="now"/> (Environment.TickCount64); zero while held.</summary>
    public TimeSpan IdleFor(long now) =>
        Volatile.Read(ref _holds) > 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(0, now - Volatile.Read(ref _lastActive)));

    private sealed class Release(IdleClock clock) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                clock.Touch();
                Interlocked.Decrement(ref clock._holds);
            }
        }
    }
}
