using System.Text.Json.Serialization;
using Bufferscope.Core.Buffers;
using MessagePack;

namespace Bufferscope.Dashboard.Api.Contracts;

/// <summary>A live export: the request's flags (decoded), what it was handed, when, and the Python line that asked.</summary>
[MessagePackObject]
public sealed record ViewDto(
    [property: Key("id")] long Id,
    [property: Key("flags")] int Flags,
    [property: Key("flagNames")] IReadOnlyList<string> FlagNames,
    [property: Key("readonly"), JsonPropertyName("readonly")] bool ReadOnly,
    [property: Key("format")] string? Format,
    [property: Key("ndim"), JsonPropertyName("ndim")] int NDim,
    [property: Key("shape")] long[]? Shape,
    [property: Key("strides")] long[]? Strides,
    [property: Key("acquiredAt")] DateTimeOffset AcquiredAt,
    [property: Key("origin")] string Origin)
{
    public static ViewDto From(ExportView v) =>
        new(v.Id, v.Flags, v.FlagNames, v.ReadOnly, v.Format, v.NDim, v.Shape, v.Strides, v.AcquiredAt, v.Origin);
}
