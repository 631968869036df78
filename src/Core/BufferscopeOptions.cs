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
    /// <summary>How often a watched window with a live writable export is compared, in milliseconds.</summary>
    public int WatchPollMilliseconds { get; set; } = 8;

    /// <summary>One live-update frame: 1 / FrameRate, the rate kept within 1 to 240 per second.</summary>
    public TimeSpan FrameInterval => TimeSpan.FromSeconds(1.0 / Math.Clamp(FrameRate, 1, 240));

    /// <summary>WatchPollMilliseconds kept within 1 ms to 1 s.</summary>
    public TimeSpan WatchPollInterval => TimeSpan.FromMilliseconds(Math.Clamp(WatchPollMilliseconds, 1, 1000));
    /// <summary>Required on any address that is not loopback; generated and printed at start when not set.</summary>
    public string? AccessToken { get; set; }
    /// <summary>Require the token on loopback too.</summary>
    public bool RequireToken { get; set; }
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
    /// <summary>Bytes one WatchMemory window may cover.</summary>
    public int MaxWatchBytes { get; set; } = 1 << 20;
    /// <summary>Bytes one memory read or write over HTTP may move.</summary>
    public int MaxTransferBytes { get; set; } = 16 << 20;
    /// <summary>Console runs one client (IP address) may start per minute.</summary>
    public int RunsPerMinute { get; set; } = 120;
}
