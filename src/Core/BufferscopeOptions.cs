using Bufferscope.Core.Python;

namespace Bufferscope.Core;

/// <summary>Configuration section <c>Bufferscope</c>.</summary>
public sealed class BufferscopeOptions
{
    public const string Section = "Bufferscope";

    public PythonOptions Python { get; set; } = new();
    public LimitOptions Limits { get; set; } = new();
    /// <summary>Coalesced live updates per second at most.</summary>
    public int FrameRate { get; set; } = 30;
}

/// <summary>Limits enforced with clear errors (configuration section <c>Bufferscope:Limits</c>).</summary>
public sealed class LimitOptions
{
    public long MaxBufferBytes { get; set; } = 2L << 30;
    public long MaxTotalBytes { get; set; } = 4L << 30;
    public int MaxBuffersPerSession { get; set; } = 64;
    public int MaxSessions { get; set; } = 32;
    public int MaxCodeLength { get; set; } = 100_000;
    /// <summary>Characters of stdout (and of stderr) kept from one run.</summary>
    public int MaxOutputChars { get; set; } = 1_000_000;
    public int MaxSessionNameLength { get; set; } = 64;
}
