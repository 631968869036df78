namespace Bufferscope.Dashboard.Learn;

/// <summary>A lesson file that does not say what <see cref="LessonParser"/> allows; the message names the file, the line and what is allowed.</summary>
public sealed class LessonFormatException(string file, int line, string problem)
    : Exception($"{file}, line {line}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}
