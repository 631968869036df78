namespace Bufferscope.Core.Live;

/// <summary>
/// What a <see cref="MemoryWatch"/> needs of a buffer: its bytes, and the signs that they may be
/// changing. An <see cref="Buffers.Exporter"/> in the process that owns it is one; the server's
/// view of a kernel's buffer (its mapping of the same memory, kept current by the kernel's
/// events) is another.
/// </summary>
public interface IWatchedBuffer
{
    long Id { get; }
    /// <summary>Bytes of the allocation.</summary>
    long Length { get; }
    bool ReadOnly { get; }
    /// <summary>Live exports: while any is writable, the bytes may change at any moment.</summary>
    int Exports { get; }
    /// <summary>Counts writes made other than through an export (a server-side write).</summary>
    long WriteVersion { get; }
    /// <summary>Another process can write the memory (mapped files, shared memory): it must be polled.</summary>
    bool ChangesFromOutside { get; }
    bool IsFreed { get; }
    /// <summary>Pulsed on export changes, writes and the free.</summary>
    ActivitySignal Activity { get; }

    /// <summary>Copies bytes [offset, offset + destination.Length); <see cref="Buffers.BufferLifetimeException"/> once freed.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Its <see cref="Picture"/>, drawn where the memory is; <see cref="Buffers.BufferLifetimeException"/> once freed.</summary>
    ValueTask<Picture> PictureAsync(int width, int height, CancellationToken cancellationToken);
}
