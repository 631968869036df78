namespace Bufferscope.Core.Sessions;

/// <summary>
/// Output a run wrote, streamed while it runs (<see cref="ConsoleStream"/>): the run's number, as
/// its prompt shows it (In [n]); "stdout" or "stderr"; the text written since the last one.
/// </summary>
public sealed record ConsoleOutput(long N, string Stream, string Text);
