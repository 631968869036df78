using System.Text.Json.Serialization;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// What a new buffer should be: the API's request body and what <c>bufferscope.MemBuf(...)</c>
/// arguments become. Validated by <see cref="ExporterFactory"/>, never trusted.
/// </summary>
public sealed record BufferSpec
{
    public string? Name { get; init; }
    public string? Format { get; init; } = "B";
    public long[]? Shape { get; init; }
    public string? Order { get; init; } = "C";
    public long[]? Strides { get; init; }
    public long Offset { get; init; }
    public bool Readonly { get; init; }
    public FillSpec? Fill { get; init; }
    public SourceSpec? Source { get; init; }
}

/// <summary>
/// How the allocation starts: zeros, ramp, random (seeded), pattern (hex, repeated), bytes (hex,
/// copied in) or keep. No kind is the source's default: zeros for fresh memory, keep for a file or
/// segment attached, so only a fill asked for by name ever overwrites memory someone else has.
/// </summary>
public sealed record FillSpec
{
    public const string Allowed = "zeros, ramp, random, pattern, bytes, keep";
    public string? Kind { get; init; }
    public long? Seed { get; init; }
    public string? Pattern { get; init; }
    public string? Bytes { get; init; }
}

/// <summary>Where the memory lives: native, managed (pinned .NET array), mmap (file at Path), shm (POSIX shared memory Name).</summary>
public sealed record SourceSpec
{
    public const string Allowed = "native, managed, mmap, shm";
    public string Kind { get; init; } = "native";
    public string? Path { get; init; }
    public string? Name { get; init; }

    /// <summary>
    /// shm: make the segment, which must not exist yet (as <c>SharedMemory(create=True)</c>).
    /// Without it the segment must exist: a mistyped name is refused instead of silently making a
    /// new, empty segment in place of the one meant. A segment made so is removed when its buffer is freed.
    /// </summary>
    public bool Create { get; init; }

    /// <summary>
    /// Not the API's: the server attaching again, after a kernel restart, a file or segment its
    /// kernel made, so freeing the buffer still removes it. Clients cannot set it (no JSON name).
    /// </summary>
    [JsonIgnore]
    public bool Owned { get; init; }
}
