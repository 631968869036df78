namespace Bufferscope.Core.Python;

/// <summary>Why a running snippet is interrupted: its KeyboardInterrupt says which, so a person who pressed Interrupt is not told about a time limit.</summary>
internal enum InterruptReason
{
    /// <summary>Someone asked (the console's Interrupt, <c>POST .../interrupt</c>).</summary>
    Asked = 1,
    /// <summary>The watchdog: the run went past Bufferscope:Python:RunTimeout.</summary>
    TimeLimit = 2,
    /// <summary>The kernel is stopping with the snippet still running.</summary>
    Shutdown = 3,
}

internal static class InterruptReasonText
{
    private static readonly byte[] s_asked = "interrupted"u8.ToArray();
    private static readonly byte[] s_timeLimit = "interrupted: the snippet ran past its time limit"u8.ToArray();
    private static readonly byte[] s_shutdown = "interrupted: the kernel is stopping"u8.ToArray();

    /// <summary>The KeyboardInterrupt's message, as UTF-8 made once: the SIGUSR1 handler asks for it on the Python thread mid-snippet.</summary>
    public static byte[] Utf8Message(this InterruptReason reason) => reason switch
    {
        InterruptReason.TimeLimit => s_timeLimit,
        InterruptReason.Shutdown => s_shutdown,
        _ => s_asked,
    };
}
