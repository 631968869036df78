using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Sessions;

/// <summary>A buffer as clients see it: layout, memory, its live exports, and the newest requests it refused.</summary>
public sealed record BufferDescriptor(
    long Id,
    string Name,
    string Format,
    int ItemSize,
    long[] Shape,
    long[] Strides,
    long Offset,
    long NBytes,
    string Order,
    bool Readonly,
    MemorySourceInfo Source,
    long Address,
    long Allocation,
    int Exports,
    IReadOnlyList<ExportView> Views,
    string? SessionId,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ExportRefusal> Refused)
{
    public static BufferDescriptor Of(Exporter e) => new(
        e.Id, e.Name, e.Layout.Format.Text, e.Layout.ItemSize, e.Layout.ShapeArray(), e.Layout.StridesArray(),
        e.Layout.Offset, e.Layout.NBytes, e.Layout.Order, e.ReadOnly,
        new MemorySourceInfo(e.Memory.Kind, e.Memory.Location, e.Memory.ChangesFromOutside, e.Memory.DiesWithProcess, e.Memory.RemovedWhenFreed),
        e.ItemAddress, e.Memory.Length, e.Exports, e.Views(), e.SessionId, e.CreatedAt, e.Refusals());
}

/// <summary>
/// Where a buffer's memory lives; <see cref="ChangesFromOutside"/> when another process can write
/// it; <see cref="DiesWithKernel"/> when it is the kernel process's own memory (managed): the
/// server reads it through the kernel's socket, and it is gone when the kernel is;
/// <see cref="Created"/> when the file or segment was made for the buffer, so freeing it (or
/// deleting its session) removes it, where one attached is left to whoever made it.
/// </summary>
public sealed record MemorySourceInfo(string Kind, string? Location, bool ChangesFromOutside, bool DiesWithKernel = false, bool Created = false);
