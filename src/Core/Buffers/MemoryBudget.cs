namespace Bufferscope.Core.Buffers;

/// <summary>
/// Limits on exporter memory, shared by every way of making one (API, Python, lessons): bytes per
/// buffer and bytes in all. A reservation is taken before allocating and returned exactly once
/// when the memory is freed, so the total always matches what is allocated.
/// </summary>
public sealed class MemoryBudget(long maxBufferBytes, long maxTotalBytes)
{
    private long _used;

    public long MaxBufferBytes { get; } = maxBufferBytes;
    public long MaxTotalBytes { get; } = maxTotalBytes;
    public long UsedBytes => Interlocked.Read(ref _used);

    public void Reserve(long bytes)
    {
        if (bytes > MaxBufferBytes)
            throw new BufferSpecException("shape", $"the buffer needs {Plural.Count(bytes, "byte")}; one buffer may have at most {MaxBufferBytes} (Bufferscope:Limits:MaxBufferBytes)");
        var after = Interlocked.Add(ref _used, bytes);
        if (after > MaxTotalBytes)
        {
            Interlocked.Add(ref _used, -bytes);
            throw new BufferSpecException("shape", $"the buffer needs {Plural.Count(bytes, "byte")} but only {Math.Max(0, MaxTotalBytes - (after - bytes))} of the {MaxTotalBytes} allowed in all are free (Bufferscope:Limits:MaxTotalBytes); free a buffer first");
        }
    }

    public void Return(long bytes) => Interlocked.Add(ref _used, -bytes);
}
