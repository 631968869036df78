namespace Bufferscope.Core.Sessions;

/// <summary>
/// One console run as the session's history keeps it: its number (the console's <c>In [n]</c>),
/// the code, whether it succeeded, what it gave (the last expression's repr, or the error as
/// <c>Type: message</c>), and when.
/// </summary>
public sealed record HistoryEntry(long N, string Code, bool Ok, string? Result, DateTimeOffset At)
{
    /// <summary>Characters of a result kept in the history; the run's own answer has all of it.</summary>
    public const int MaxResultChars = 64 * 1024;

    public static HistoryEntry Of(long n, string code, ConsoleResult run, DateTimeOffset at)
    {
        var result = run.Ok ? run.Result : run.Error is { } e ? $"{e.Type}: {e.Message}" : null;
        if (result is { Length: > MaxResultChars })
            result = string.Concat(result.AsSpan(0, MaxResultChars), "…");
        return new HistoryEntry(n, code, run.Ok, result, at);
    }
}
