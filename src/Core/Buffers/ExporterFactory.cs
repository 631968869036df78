using Bufferscope.Core.Buffers.Memory;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// Turns a <see cref="BufferSpec"/> into an <see cref="Exporter"/>: everything is validated before
/// any memory is reserved, and a failure after that returns the reservation and the memory, so a
/// refused spec leaves nothing behind.
/// </summary>
public sealed class ExporterFactory(MemoryBudget budget, ExporterRegistry registry)
{
    /// <summary>Raised after an exporter is made and after it is freed, for the live feed.</summary>
    public event Action<Exporter>? Created;
    public event Action<Exporter>? Freed;

    internal Action<Exporter>? OnChanged { get; set; }

    /// <summary>In a kernel: the tmpfs directory where native buffers are files the server maps too.</summary>
    internal string? NativeDirectory { get; set; }
    private long _files;

    /// <param name="data">Initial bytes (Python's <c>data=</c>): the allocation is then exactly this long.</param>
    public Exporter Create(BufferSpec spec, ReadOnlySpan<byte> data = default, bool hasData = false, string? sessionId = null)
    {
        var format = StructFormat.Parse(spec.Format ?? "B");
        if (spec.Shape is null)
            throw new BufferSpecException("shape", "shape is required: a list of extents, e.g. [480, 640], or [] for a single item");
        var layout = BufferLayout.Create(format, spec.Shape, spec.Order, spec.Strides, spec.Offset);
        var source = spec.Source ?? new SourceSpec();
        if (source.Kind is not ("native" or "managed" or "mmap" or "shm"))
            throw new BufferSpecException("source.kind", $"source '{source.Kind}' is not allowed; use one of {SourceSpec.Allowed}");
        if (source.Create && source.Kind != "shm")
            throw new BufferSpecException("source.create", $"create is for source 'shm' only (a segment made instead of attached); source '{source.Kind}' makes its memory without it");
        // Memory that may hold someone's bytes (a file, a segment, a native file after a restart) is
        // kept as it is unless a fill is asked for by name: no fill and a fill without a kind alike.
        var attaching = source.Kind is "mmap" or "shm" || (source.Kind == "native" && source.Path is not null);
        var fill = spec.Fill is { Kind: not null } asked ? asked : (spec.Fill ?? new FillSpec()) with { Kind = attaching ? "keep" : "zeros" };
        var fillBytes = Fill.Validate(fill);
        if (hasData && fill.Kind is not ("zeros" or "keep"))
            throw new BufferSpecException("data", $"give either data or fill '{fill.Kind}', not both");
        if (fill.Kind == "bytes")
        {
            data = fillBytes;
            hasData = true;
        }
        if (hasData)
            layout.CheckFits(data.Length, "data");
        var size = hasData ? data.Length : layout.RequiredBytes;

        budget.Reserve(size);
        var reserved = size;
        MemorySource? memory = null;
        try
        {
            memory = Open(source, size);
            if (memory.Length > size)
            {
                // An existing file or segment larger than asked for: all of it is mapped, count all of it.
                budget.Reserve(memory.Length - size);
                reserved = memory.Length;
            }
            layout.CheckFits(memory.Length, source.Kind is "shm" ? "name" : "path");
            if (hasData)
                unsafe { data.CopyTo(new Span<byte>((void*)memory.Address, data.Length)); }
            else
                Fill.Apply(fill, fillBytes, memory, layout);

            var exporter = new Exporter(spec.Name ?? (source.Kind == "shm" ? source.Name : null), sessionId, layout, spec.Readonly, memory, budget, reserved, Release)
            {
                Changed = OnChanged,
            };
            registry.Add(exporter);
            Created?.Invoke(exporter);
            return exporter;
        }
        catch
        {
            memory?.Dispose();
            budget.Return(reserved);
            throw;
        }
    }

    private MemorySource Open(SourceSpec source, long size) => source.Kind switch
    {
        "native" when source.Path is { } path => new SharedNativeMemorySource(OwnFile(path), size),
        "native" when NativeDirectory is { } directory => new SharedNativeMemorySource(Path.Combine(directory, $"b{Interlocked.Increment(ref _files)}"), size),
        "native" => new NativeMemorySource(size),
        "managed" => new ManagedMemorySource(size),
        "mmap" when source.Owned => new MappedFileMemorySource(source.Path ?? "", size, "path", FileMode.Open, owned: true),
        "mmap" => new MappedFileMemorySource(
            string.IsNullOrWhiteSpace(source.Path) ? throw new BufferSpecException("source.path", "source 'mmap' needs a file path") : source.Path, size),
        _ => new SharedMemorySource(
            string.IsNullOrWhiteSpace(source.Name) ? throw new BufferSpecException("source.name", "source 'shm' needs a segment name") : source.Name, size, source.Create, source.Owned),
    };

    /// <summary>A native buffer's file, given again after a kernel restart: only one of this kernel's own.</summary>
    private string OwnFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (NativeDirectory is null || Path.GetDirectoryName(full) != NativeDirectory || !File.Exists(full))
            throw new BufferSpecException("source.path", $"a native buffer's path names a file its kernel made before a restart (in its memory directory); '{path}' is not one. Use source 'mmap' to map a file of yours");
        return full;
    }

    private void Release(Exporter exporter)
    {
        registry.Remove(exporter);
        Freed?.Invoke(exporter);
    }
}
