namespace Bufferscope.Core.Sessions;

/// <summary>
/// One console run as the session's history keeps it: its number (the console's <c>In [n]</c>),
/// the code, whether it succeeded, what it gave (the last expression's repr, or the error as
/// <c>Type: message</c>), when, and what it printed (stdout then stderr), so a reloaded page or a
/// restarted server shows the transcript as it was.
/// </summary>
public sealed record HistoryEntry(long N, string Code, bool Ok, string? Result, DateTimeOffset At, string? Output = null)
{
    /// <summary>Characters of a result kept in the history; the run's own answer has all of it.</summary>
    public const int MaxResultChars = 64 * 1024;
    /// <summary>Characters of printed output kept in the history, the first ones.</summary>
    public const int MaxOutputChars = 16 * 1024;

    public static HistoryEntry Of(long n, string code, ConsoleResult run, DateTimeOffset at)
    {
        var result = run.Ok ? run.Result : run.Error is { } e ? $"{e.Type}: {e.Message}" : null;
        var output = run.Stdout + run.Stderr;
        return new HistoryEntry(n, code, run.Ok, Cut(result, MaxResultChars), at, output.Length == 0 ? null : Cut(output, MaxOutputChars));
    }

    private static string? Cut(string? text, int max) =>
        text is { Length: var length } && length > max ? $"{text.AsSpan(0, max)}… [{length - max} more characters in the run's answer]" : text;
}
