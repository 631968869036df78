namespace Bufferscope.Core.Buffers.Memory;

/// <summary>
/// Where an exporter's bytes live. The address is stable for the source's whole life; the source
/// frees its memory exactly once, in <see cref="Dispose"/>, which the exporter calls only when no
/// export is live (see <see cref="Exporter"/>).
/// </summary>
public abstract class MemorySource : IDisposable
{
    private int _disposed;

    /// <summary>"native", "managed", "mmap" or "shm".</summary>
    public abstract string Kind { get; }
    public nint Address { get; protected init; }
    public long Length { get; protected init; }
    /// <summary>File path (mmap) or segment name (shm); null for process memory.</summary>
    public virtual string? Location => null;
    /// <summary>True when another process can change the bytes (mapped files, shared memory): watchers must poll.</summary>
    public virtual bool ChangesFromOutside => false;
    /// <summary>
    /// True when the bytes live in this process's own memory (managed arrays, anonymous native
    /// memory), so they end with it; false when they are in a file or segment others can map.
    /// </summary>
    public virtual bool DiesWithProcess => true;
    /// <summary>True when the bytes are zero from the start (fresh allocations, a file made for it), so a "zeros" fill need not touch a page.</summary>
    public virtual bool StartsZeroed => false;
    /// <summary>True when freeing also removes the file or segment (it was made for this buffer); false for memory attached, which stays its owner's.</summary>
    public virtual bool RemovedWhenFreed => false;
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public unsafe Span<byte> Bytes(long offset, int length) => new((byte*)Address + offset, length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Free();
        GC.SuppressFinalize(this);
    }

    protected abstract void Free();
}
