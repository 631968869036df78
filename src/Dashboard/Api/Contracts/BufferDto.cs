using System.Text.Json.Serialization;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Dashboard.Api.Contracts;

/// <summary>A buffer's descriptor, with the PEP 3118 names (itemsize, nbytes, ndim...), and the newest requests it refused (at most 100).</summary>
public sealed record BufferDto(
    long Id,
    string Name,
    string Format,
    [property: JsonPropertyName("itemsize")] int ItemSize,
    long[] Shape,
    long[] Strides,
    long Offset,
    [property: JsonPropertyName("nbytes")] long NBytes,
    string Order,
    [property: JsonPropertyName("readonly")] bool ReadOnly,
    SourceDto Source,
    long Address,
    long Allocation,
    int Exports,
    IReadOnlyList<ViewDto> Views,
    string? SessionId,
    DateTimeOffset CreatedAt,
    IReadOnlyList<RefusalDto>? Refused = null)
{
    public static BufferDto From(BufferDescriptor d) => new(
        d.Id, d.Name, d.Format, d.ItemSize, d.Shape, d.Strides, d.Offset, d.NBytes, d.Order, d.Readonly,
        new SourceDto(d.Source.Kind, d.Source.Kind == "mmap" ? d.Source.Location : null, d.Source.Kind == "shm" ? d.Source.Location : null, d.Source.ChangesFromOutside, d.Source.DiesWithKernel, d.Source.Kind is "mmap" or "shm" && d.Source.Created),
        d.Address, d.Allocation, d.Exports, [.. d.Views.Select(ViewDto.From)], d.SessionId, d.CreatedAt,
        [.. d.Refused.Select(RefusalDto.From)]);
}

/// <summary>
/// Where the memory lives: kind native|managed|mmap|shm, the file (mmap) or segment (shm).
/// <see cref="DiesWithKernel"/> when it lives in the kernel's process (managed), so a crash or
/// restart loses it; <see cref="Create"/> when the file or segment was made for this buffer (and
/// goes when it is freed), false when it was attached (and stays its owner's).
/// </summary>
public sealed record SourceDto(string Kind, string? Path, string? Name, bool ChangesFromOutside, bool DiesWithKernel = false, bool Create = false);
