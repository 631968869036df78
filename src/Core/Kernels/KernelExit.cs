namespace Bufferscope.Core.Kernels;

/// <summary>How a kernel process ended: its exit code, or the signal that ended it, and why in words.</summary>
public sealed record KernelExit(int? Code, int? Signal, string Reason, DateTimeOffset At)
{
    private static readonly string[] SignalNames =
        ["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"];

    // faulthandler's first line names the fatal signal it caught (Modules/faulthandler.c).
    private static readonly (string Text, int Signal)[] FaulthandlerNames =
        [("Segmentation fault", 11), ("Bus error", 7), ("Floating point exception", 8), ("Illegal instruction", 4), ("Aborted", 6)];

    /// <summary>
    /// From .NET's exit code, which is 128 + the signal for a process a signal ended, and the
    /// kernel's last output. faulthandler prints the signal it caught, then re-raises it, and the
    /// kernel ends on it (FaultRouter leaves it the default action). Where a handler chained behind
    /// faulthandler (a user's extension may install one) ends the process otherwise, the signal
    /// faulthandler named first is still the one reported.
    /// </summary>
    public static KernelExit From(int exitCode, string output = "", string? why = null)
    {
        var at = DateTimeOffset.UtcNow;
        var fatal = output.IndexOf("Fatal Python error: ", StringComparison.Ordinal);
        if (why is null && fatal >= 0 && exitCode > 128
            && FaulthandlerNames.FirstOrDefault(n => string.CompareOrdinal(output, fatal + 20, n.Text, 0, n.Text.Length) == 0) is { Text: not null } caught)
            return new KernelExit(null, caught.Signal, $"{SignalName(caught.Signal)} (signal {caught.Signal})", at);
        if (exitCode > 128 && exitCode < 128 + 65)
        {
            var signal = exitCode - 128;
            return new KernelExit(null, signal, why ?? $"{SignalName(signal)} (signal {signal})", at);
        }
        return new KernelExit(exitCode, null, why ?? (exitCode == 0 ? "exited" : $"exited with code {exitCode}"), at);
    }

    public static string SignalName(int signal) => signal > 0 && signal < SignalNames.Length ? SignalNames[signal] : $"SIG{signal}";
}
