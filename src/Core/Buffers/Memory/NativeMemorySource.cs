using System.Runtime.InteropServices;

namespace Bufferscope.Core.Buffers.Memory;

/// <summary>Memory from the native heap, 64-byte aligned (a cache line, and any SIMD width) and zeroed.</summary>
public sealed unsafe class NativeMemorySource : MemorySource
{
    public const int Alignment = 64;

    public NativeMemorySource(long length)
    {
        // One byte at least, so even an empty buffer has a valid, non-NULL address.
        var size = (nuint)Math.Max(length, 1);
        var p = NativeMemory.AlignedAlloc(size, Alignment);
        NativeMemory.Clear(p, size);
        Address = (nint)p;
        Length = length;
    }

    public override string Kind => "native";

    protected override void Free() => NativeMemory.AlignedFree((void*)Address);
}
