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

/// <summary>How the allocation starts: zeros, ramp, random (seeded), pattern (hex, repeated) or bytes (hex, copied in).</summary>
public sealed record FillSpec
{
    public const string Allowed = "zeros, ramp, random, pattern, bytes, keep";
    public string Kind { get; init; } = "zeros";
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
}
