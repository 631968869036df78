using System.Buffers;

namespace Bufferscope.Core.Native;

/// <summary>
/// <see cref="Memory{T}"/> over native bytes someone else owns: it frees nothing, and is valid
/// exactly as long as the owner keeps the bytes.
/// </summary>
internal sealed unsafe class NativeMemoryManager(nint address, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new((void*)address, length);

    public override MemoryHandle Pin(int elementIndex = 0) =>
        (uint)elementIndex <= (uint)length ? new MemoryHandle((byte*)address + elementIndex) : throw new ArgumentOutOfRangeException(nameof(elementIndex));

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
