using Bufferscope.Core.Sessions;

namespace Bufferscope.Dashboard.Api.Contracts;

public sealed record RunRequest(string? Code);

/// <summary>A run's answer; <see cref="N"/> is its number in the session's history (the console's <c>In [n]</c>).</summary>
public sealed record RunResponse(bool Ok, string Stdout, string Stderr, string? Result, RunError? Error, double DurationMs, bool TimedOut, long N = 0)
{
    public static RunResponse From(ConsoleResult r) => new(r.Ok, r.Stdout, r.Stderr, r.Result,
        r.Error is null ? null : new RunError(r.Error.Type, r.Error.Message, r.Error.Traceback), r.DurationMs, r.TimedOut, r.N);
}

/// <summary>One entry of GET /api/sessions/{sid}/history: the result is the repr, or "Type: message" when the run failed.</summary>
public sealed record HistoryDto(long N, string Code, bool Ok, string? Result, DateTimeOffset At, string? Output = null)
{
    public static HistoryDto From(Core.Sessions.HistoryEntry e) => new(e.N, e.Code, e.Ok, e.Result, e.At, e.Output);
}

public sealed record RunError(string Type, string Message, string Traceback);

public sealed record InterruptResponse(bool Interrupted);
