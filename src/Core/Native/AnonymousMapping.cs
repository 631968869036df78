using System.Runtime.InteropServices;

namespace Bufferscope.Core.Native;

/// <summary>
/// Zeroed, page-aligned memory of its own mapping: nothing is touched until written, and unmapping
/// gives every page back to the system at once (the native heap and the GC both keep freed memory
/// for later). Unmapped exactly once.
/// </summary>
internal sealed unsafe class AnonymousMapping : IDisposable
{
    private nint _address;

    public AnonymousMapping(long length)
    {
        Size = (nuint)Math.Max(length, 1);
        var p = LibC.mmap(0, Size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        if (p == LibC.MAP_FAILED)
            throw new OutOfMemoryException($"could not map {length} bytes (errno {Marshal.GetLastPInvokeError()})");
        _address = p;
    }

    public nint Address => _address != 0 ? _address : throw new ObjectDisposedException(nameof(AnonymousMapping));
    public nuint Size { get; }

    public void Dispose()
    {
        var p = Interlocked.Exchange(ref _address, 0);
        if (p != 0)
            LibC.munmap(p, Size);
    }
}
