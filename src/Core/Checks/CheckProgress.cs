using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Bufferscope.Core.Checks;

/// <summary>
/// A check kernel's running log, in a file on tmpfs both ends open: before each case the kernel
/// writes <c>B index</c>, after it <c>R result-json</c>, one line each, each a write(2) of its own.
/// A write is in the page cache the moment it returns, so when the kernel dies mid-batch the
/// server still reads every result it had and the case that was running: a crash loses nothing
/// and blames the right case. While a batch runs, the file growing is how the server sees the
/// kernel is still going through cases.
/// </summary>
public sealed class CheckProgress : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly SafeFileHandle _file;
    private long _length;

    /// <param name="create">The server's side: makes (or empties) the file.</param>
    public CheckProgress(string path, bool create)
    {
        _file = File.OpenHandle(path, create ? FileMode.Create : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _length = create ? 0 : RandomAccess.GetLength(_file);
    }

    /// <summary>The server's side, before a batch: an empty log.</summary>
    public void Reset()
    {
        RandomAccess.SetLength(_file, 0);
        _length = 0;
    }

    /// <summary>The kernel's side: case <paramref name="index"/> begins now.</summary>
    public void Began(int index) => Append($"B {index}\n");

    /// <summary>The kernel's side: a case's result.</summary>
    public void Finished(CaseResult result) => Append($"R {JsonSerializer.Serialize(result, s_json)}\n");

    private void Append(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        RandomAccess.Write(_file, bytes, _length);
        _length += bytes.Length;
    }

    /// <summary>The server's side: how long the log is now (it grows with every case begun or done).</summary>
    public long Length => RandomAccess.GetLength(_file);

    /// <summary>The server's side: the results logged, in order, and the case begun last without a result (-1: none).</summary>
    public (IReadOnlyList<CaseResult> Results, int Running) Read()
    {
        var bytes = new byte[RandomAccess.GetLength(_file)];
        var read = RandomAccess.Read(_file, bytes, 0);
        var results = new List<CaseResult>();
        var running = -1;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, read).Split('\n'))
        {
            if (line.StartsWith("B ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(2), out var index))
                running = index;
            else if (line.StartsWith("R ", StringComparison.Ordinal))
            {
                // A line cut short by the crash is not a result.
                try { results.Add(JsonSerializer.Deserialize<CaseResult>(line.AsSpan(2), s_json)!); }
                catch (JsonException) { continue; }
                running = -1;
            }
        }
        return (results, running);
    }

    public void Dispose() => _file.Dispose();
}
