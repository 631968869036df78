namespace Bufferscope.Core.Buffers;

/// <summary>
/// Millisecond timestamps cheap enough for every export: Environment.TickCount64 reads the coarse
/// monotonic clock, several times cheaper than a precise one, and converts to wall time on demand.
/// </summary>
public static class CoarseClock
{
    private static readonly long s_startTicks = Environment.TickCount64;
    private static readonly DateTimeOffset s_startTime = DateTimeOffset.UtcNow;

    public static DateTimeOffset ToTime(long ticks) => s_startTime.AddMilliseconds(ticks - s_startTicks);
    public static DateTimeOffset Now => ToTime(Environment.TickCount64);
}
