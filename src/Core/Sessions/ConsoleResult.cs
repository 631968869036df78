namespace Bufferscope.Core.Sessions;

/// <summary>How a console run ended. Serialisable: it crosses the session boundary as it is.</summary>
public sealed record ConsoleResult(
    bool Ok,
    string Stdout,
    string Stderr,
    string? Result,
    ConsoleError? Error,
    double DurationMs,
    bool TimedOut)
{
    public string? SessionId { get; init; }
    public long RunId { get; init; }
    /// <summary>The run's number in its session's history (the console's <c>In [n]</c>), as the server sent it; the server keeps the history.</summary>
    public long N { get; init; }
    /// <summary>
    /// Buffers the run's end named after the variables they are bound to (a MemBuf made in Python
    /// without name=): with the answer, so the server knows their names before the next call,
    /// whatever happens to the kernel then. Not part of the HTTP answer.
    /// </summary>
    public IReadOnlyList<BufferDescriptor>? Named { get; init; }
}

/// <summary>A Python exception from a run: qualified type, message, formatted traceback.</summary>
public sealed record ConsoleError(string Type, string Message, string Traceback);
