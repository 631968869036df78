using Microsoft.Win32.SafeHandles;

namespace Bufferscope.Core.Checks;

/// <summary>
/// Which case a kernel is running, in a small file on tmpfs both ends open: the kernel writes
/// each case's index before running it, the server reads it when the kernel died or stopped
/// answering, so the case to blame is known even though the batch's answer never came. A write
/// is in the page cache the moment it returns: a crash right after loses nothing.
/// Layout: the index of the case begun (int64), how many cases were begun (int64).
/// </summary>
public sealed class CheckProgress : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly byte[] _record = new byte[16];
    private long _begun;

    public CheckProgress(string path, bool create)
    {
        _file = File.OpenHandle(path, create ? FileMode.Create : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (create)
            Reset();
    }

    /// <summary>No case begun.</summary>
    public void Reset()
    {
        _begun = 0;
        Write(-1, 0);
    }

    /// <summary>The kernel's side: case <paramref name="index"/> begins now.</summary>
    public void Began(int index) => Write(index, ++_begun);

    /// <summary>The server's side: the case begun last (-1: none) and how many were begun.</summary>
    public (int Index, long Begun) Read()
    {
        var record = new byte[16];
        if (RandomAccess.Read(_file, record, 0) < 16)
            return (-1, 0);
        return ((int)BitConverter.ToInt64(record, 0), BitConverter.ToInt64(record, 8));
    }

    private void Write(long index, long begun)
    {
        BitConverter.TryWriteBytes(_record.AsSpan(0, 8), index);
        BitConverter.TryWriteBytes(_record.AsSpan(8, 8), begun);
        RandomAccess.Write(_file, _record, 0);
    }

    public void Dispose() => _file.Dispose();
}
