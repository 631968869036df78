namespace Bufferscope.Core.Buffers;

/// <summary>
/// Millisecond timestamps cheap enough for every export. Reading even the coarse clock costs
/// ~35 ns on our VMs (more than the rest of the ledger), so exports stamp <see cref="Cached"/>,
/// which an exporter refreshes on its first change in each live-feed frame. A slow sequence of
/// exports is stamped exactly; within a burst, times are good to one frame (33 ms at 30/s).
/// </summary>
public static class CoarseClock
{
    private static readonly long s_startTicks = Environment.TickCount64;
    private static readonly DateTimeOffset s_startTime = DateTimeOffset.UtcNow;
    private static long s_cached = s_startTicks;

    /// <summary>The last time read, in Environment.TickCount64 milliseconds.</summary>
    public static long Cached => s_cached;

    /// <summary>Reads the clock into <see cref="Cached"/>.</summary>
    public static void Refresh() => s_cached = Environment.TickCount64;

    public static DateTimeOffset ToTime(long ticks) => s_startTime.AddMilliseconds(ticks - s_startTicks);
    public static DateTimeOffset Now => ToTime(Environment.TickCount64);
}
