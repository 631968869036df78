using Bufferscope.Core.Sessions;

namespace Bufferscope.Dashboard.Api.Contracts;

public sealed record RunRequest(string? Code);

public sealed record RunResponse(bool Ok, string Stdout, string Stderr, string? Result, RunError? Error, double DurationMs, bool TimedOut)
{
    public static RunResponse From(ConsoleResult r) => new(r.Ok, r.Stdout, r.Stderr, r.Result,
        r.Error is null ? null : new RunError(r.Error.Type, r.Error.Message, r.Error.Traceback), r.DurationMs, r.TimedOut);
}

public sealed record RunError(string Type, string Message, string Traceback);

public sealed record InterruptResponse(bool Interrupted);
