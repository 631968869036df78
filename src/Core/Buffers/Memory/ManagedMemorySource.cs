using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bufferscope.Core.Buffers.Memory;

/// <summary>
/// A .NET byte array on the pinned object heap: the GC never moves it, so Python can hold its
/// address. Freed when the array becomes unreachable after <see cref="MemorySource.Dispose"/>.
/// </summary>
public sealed unsafe class ManagedMemorySource : MemorySource
{
    private byte[]? _array;

    public ManagedMemorySource(long length)
    {
        if (length > System.Array.MaxLength)
            throw new BufferSpecException("source", $"a managed source holds at most {System.Array.MaxLength} bytes (a .NET array); {length} were asked for; use source 'native'");
        _array = GC.AllocateArray<byte>((int)Math.Max(length, 1), pinned: true);
        Address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        Length = length;
    }

    public override string Kind => "managed";
    public override bool StartsZeroed => true; // a new array

    /// <summary>The array itself, for .NET code that wants to read or write without copying.</summary>
    public Memory<byte> Array => _array is { } a ? a.AsMemory(0, (int)Length) : throw new ObjectDisposedException(nameof(ManagedMemorySource));

    protected override void Free() => _array = null;
}
