using System.IO.MemoryMappedFiles;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The server's side of one of a kernel's buffers, for watching it. Memory that lives in a file
/// (a kernel's native buffers on tmpfs, mapped files, shared memory) is mapped here read-only, the
/// same pages the kernel writes, so a watch reads them without a copy through the socket; memory
/// only the kernel can see (managed) is read over the RPC. The signs of change a watch needs
/// (export count, writes, the free) come from the kernel's events, applied in order.
///
/// Unmapping waits for a read in progress (one lock), and a read after it fails as a read of a
/// freed buffer: a watch can never touch unmapped memory.
/// </summary>
public sealed class BufferMirror : IWatchedBuffer, IDisposable
{
    private readonly IKernel _kernel;
    private readonly Lock _lock = new();
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private nint _address;
    private int _exports;
    private long _writeVersion;
    private volatile bool _freed;

    public BufferMirror(BufferDescriptor descriptor, IKernel kernel)
    {
        Descriptor = descriptor;
        _kernel = kernel;
        if (MappablePath(descriptor.Source) is { } path && File.Exists(path))
        {
            try
            {
                var length = Math.Max(1, descriptor.Allocation);
                _file = MemoryMappedFile.CreateFromFile(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete),
                    null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
                _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
                _address = Acquire(_view);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone or not ours to read: the RPC still can.
                _view?.Dispose();
                _file?.Dispose();
                (_view, _file) = (null, null);
            }
        }
        _exports = descriptor.Exports;
        _layout = new Lazy<BufferLayout>(() => BufferLayout.Create(StructFormat.Parse(descriptor.Format), descriptor.Shape, descriptor.Order, descriptor.Strides, descriptor.Offset));
    }

    private readonly Lazy<BufferLayout> _layout;

    public BufferDescriptor Descriptor { get; }
    public long Id => Descriptor.Id;
    public long Length => Descriptor.Allocation;
    public bool ReadOnly => Descriptor.Readonly;
    public int Exports => Volatile.Read(ref _exports);
    public long WriteVersion => Interlocked.Read(ref _writeVersion);
    public bool ChangesFromOutside => Descriptor.Source.ChangesFromOutside;
    public bool IsFreed => _freed;
    public ActivitySignal Activity { get; } = new();

    /// <summary>Read here from the same pages (true), or through the kernel (false).</summary>
    public bool Mapped => _address != 0;

    private static unsafe nint Acquire(MemoryMappedViewAccessor view)
    {
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        return (nint)(p + view.PointerOffset);
    }

    /// <summary>Where the memory can be mapped from by another process, if anywhere.</summary>
    public static string? MappablePath(MemorySourceInfo source) => source.Kind switch
    {
        "native" or "mmap" => source.Location,
        "shm" when source.Location is { } name => Path.Combine("/dev/shm", name.TrimStart('/')),
        _ => null,
    };

    /// <summary>One of the kernel's events for this buffer, in order.</summary>
    public void Apply(BufferEvent e)
    {
        switch (e.Kind)
        {
            case BufferEventKind.ExportAcquired or BufferEventKind.ExportReleased when e.Exports is { } live:
                Volatile.Write(ref _exports, live);
                break;
            case BufferEventKind.MemoryWritten:
                Interlocked.Increment(ref _writeVersion);
                break;
            case BufferEventKind.BufferFreed:
                _freed = true;
                Volatile.Write(ref _exports, 0);
                break;
        }
        Activity.Pulse();
    }

    /// <summary>The kernel went away: nothing can change the memory any more, and the mapping is all that is left.</summary>
    public void KernelGone()
    {
        Volatile.Write(ref _exports, 0);
        if (!Mapped)
            _freed = true;
        Activity.Pulse();
    }

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (offset < 0 || offset > Length - destination.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset} + {destination.Length}) is outside the allocation of {Length} bytes");
        if (!Mapped)
        {
            if (_freed)
                throw new BufferLifetimeException($"buffer {Id} was freed");
            var bytes = await _kernel.ReadMemoryAsync(Id, offset, destination.Length, cancellationToken).ConfigureAwait(false);
            bytes.CopyTo(destination);
            return;
        }
        Copy(offset, destination.Span);
    }

    public async ValueTask<Picture> PictureAsync(int width, int height, CancellationToken cancellationToken)
    {
        if (!Mapped)
        {
            if (_freed)
                throw new BufferLifetimeException($"buffer {Id} was freed");
            return await _kernel.PictureAsync(Id, width, height, cancellationToken).ConfigureAwait(false);
        }
        return Draw(width, height);
    }

    private unsafe Picture Draw(int width, int height)
    {
        lock (_lock)
        {
            if (_address == 0)
                throw new BufferLifetimeException($"buffer {Id} was freed");
            return Picture.Draw((byte*)_address, Length, _layout.Value, width, height);
        }
    }

    private unsafe void Copy(long offset, Span<byte> destination)
    {
        lock (_lock)
        {
            if (_address == 0)
                throw new BufferLifetimeException($"buffer {Id} was freed");
            new ReadOnlySpan<byte>((byte*)_address + offset, destination.Length).CopyTo(destination);
        }
    }

    public void Dispose()
    {
        _freed = true;
        lock (_lock)
        {
            if (_address != 0)
            {
                _address = 0;
                _view!.SafeMemoryMappedViewHandle.ReleasePointer();
                _view.Dispose();
                _file!.Dispose();
            }
        }
        Activity.Pulse();
    }
}
