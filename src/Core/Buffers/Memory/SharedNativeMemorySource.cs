namespace Bufferscope.Core.Buffers.Memory;

/// <summary>
/// A kernel's "native" memory: a file of its own on tmpfs, mapped shared, so the server maps the
/// same pages (to watch them without copying through the socket, and to keep showing them once
/// the kernel is gone). Zero and untouched until written, like an anonymous mapping; the file is
/// removed when the buffer is freed. Only this kernel writes it, so watchers need not poll. After
/// a kernel restart the new kernel attaches the same file, its bytes as they were.
/// </summary>
public sealed class SharedNativeMemorySource(string path, long length) : MappedFileMemorySource(path, length, "source.path")
{
    public override string Kind => "native";
    public override bool ChangesFromOutside => false;
    public override bool RemovedWhenFreed => true; // the kernel's own file, attached again or not
}
