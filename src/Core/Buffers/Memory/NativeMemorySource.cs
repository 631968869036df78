using System.Runtime.InteropServices;
using Bufferscope.Core.Native;

namespace Bufferscope.Core.Buffers.Memory;

/// <summary>
/// Memory from the process, zeroed and at least 64-byte aligned (a cache line, any SIMD width).
/// Small buffers come from the native heap and are cleared. Large ones are an anonymous mapping:
/// page-aligned, and zero without touching a page, so a 1 GiB buffer is made at once and costs
/// memory only where it is written (clearing it would fault in every page: ~4 ms per MiB here).
/// </summary>
public sealed unsafe class NativeMemorySource : MemorySource
{
    public const int Alignment = 64;
    private const long MappedFrom = 1 << 20;

    private readonly AnonymousMapping? _mapping;

    public NativeMemorySource(long length)
    {
        if (length >= MappedFrom)
        {
            _mapping = new AnonymousMapping(length);
            Address = _mapping.Address;
        }
        else
        {
            // One byte at least, so even an empty buffer has a valid, non-NULL address.
            var size = (nuint)Math.Max(length, 1);
            var p = NativeMemory.AlignedAlloc(size, Alignment);
            NativeMemory.Clear(p, size);
            Address = (nint)p;
        }
        Length = length;
    }

    public override string Kind => "native";
    public override bool StartsZeroed => true; // mmap of anonymous memory

    protected override void Free()
    {
        if (_mapping is not null)
            _mapping.Dispose();
        else
            NativeMemory.AlignedFree((void*)Address);
    }
}
