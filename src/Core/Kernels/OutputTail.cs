namespace Bufferscope.Core.Kernels;

/// <summary>The last lines of a kernel's stdout and stderr, interleaved as they arrived, kept for crash reports.</summary>
internal sealed class OutputTail(int lines)
{
    private readonly Queue<string> _lines = new();

    public string Text { get { lock (_lines) return string.Join('\n', _lines); } }

    public async Task ReadAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line.Length > 2000 ? line[..2000] + "…" : line);
                while (_lines.Count > lines)
                    _lines.Dequeue();
            }
        }
    }
}
