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
    /// <summary>
    /// The token every client needs (at least 32 characters); generated at start when not set.
    /// Env <c>BUFFERSCOPE_TOKEN</c> sets it too.
    /// </summary>
    public string? AccessToken { get; set; }
    /// <summary>Require the token (the default). Turning it off is allowed on a loopback address only.</summary>
    public bool RequireToken { get; set; } = true;
    /// <summary>Host names besides localhost, 127.0.0.1, [::1] and the address bound that requests may name (<c>*</c>: any).</summary>
    public string[] AllowedHosts { get; set; } = [];
    /// <summary>Origins besides the server's own whose pages may call the API and open the hub (CORS is enabled for exactly these).</summary>
    public string[] AllowedOrigins { get; set; } = [];
    /// <summary>Where the server keeps what outlives a restart (sign-in keys; later kernels' state). Default ~/.local/share/bufferscope.</summary>
    public string? DataDirectory { get; set; }
    public SessionOptions Sessions { get; set; } = new();
    public KernelOptions Kernels { get; set; } = new();

    /// <summary>DataDirectory, or $XDG_DATA_HOME/bufferscope, or ~/.local/share/bufferscope.</summary>
    public string DataDirectoryPath => !string.IsNullOrWhiteSpace(DataDirectory) ? Path.GetFullPath(DataDirectory)
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"), "bufferscope");
}

/// <summary>Configuration section <c>Bufferscope:Kernels</c>: the process each session runs in.</summary>
public sealed class KernelOptions
{
    /// <summary>
    /// A kernel's private memory at most (RLIMIT_DATA): past it, that kernel's Python raises
    /// MemoryError and the kernel lives on. Buffers on tmpfs do not count (MaxTotalBytes bounds them).
    /// </summary>
    public long MaxMemoryBytes { get; set; } = 4L << 30;

    /// <summary>Kernels kept started ahead of need, so a new session does not wait for a process start.</summary>
    public int Warm { get; set; } = 1;

    /// <summary>How long a run past its time limit may ignore the interrupt before its kernel is killed.</summary>
    public TimeSpan KillGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where buffer memory lives as files both kernel and server map: tmpfs. Default /dev/shm/bufferscope-&lt;user&gt;.</summary>
    public string? MemoryDirectory { get; set; }

    public string MemoryDirectoryPath => !string.IsNullOrWhiteSpace(MemoryDirectory) ? Path.GetFullPath(MemoryDirectory)
        : Path.Combine("/dev/shm", $"bufferscope-{Environment.UserName}");
}

/// <summary>Configuration section <c>Bufferscope:Sessions</c>.</summary>
public sealed class SessionOptions
{
    /// <summary>A session with no request, run or live stream for this long is deleted (with force). Off when null or zero.</summary>
    public TimeSpan? IdleTimeout { get; set; }
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
    /// <summary>Console runs one client (a signed-in browser, or the API token's holder) may start per minute.</summary>
    public int RunsPerMinute { get; set; } = 120;
    /// <summary>Live streams (Events, WatchMemory) one hub connection may have open at once.</summary>
    public int MaxStreamsPerConnection { get; set; } = 32;
    /// <summary>Hub connections one client (a signed-in browser, or the API token's holder) may have open at once.</summary>
    public int MaxConnectionsPerClient { get; set; } = 16;
    /// <summary>Bytes all WatchMemory streams together may hold for their windows (shadow, compare and frame copies).</summary>
    public long MaxTotalWatchBytes { get; set; } = 256L << 20;
    /// <summary>Checks running at once, over all sessions: each has a kernel (two after a crash) of its own.</summary>
    public int MaxRunningChecks { get; set; } = 4;
}
