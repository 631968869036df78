namespace Bufferscope.Core.Native;

/// <summary>
/// Copies a file's data, never its holes. A buffer's tmpfs file holds pages only where something
/// was written (a fresh 1 GiB buffer holds none), so saving it to disk at a server stop, and back
/// at the next start, costs what was written, not its length.
/// </summary>
public static class SparseFile
{
    private const int Chunk = 1 << 20;

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> (replaced whole, or not at all).</summary>
    public static void Copy(string source, string destination)
    {
        var partial = destination + ".partial";
        using (var from = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var output = new FileStream(partial, new FileStreamOptions
               { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            var to = output.SafeFileHandle;
            var length = RandomAccess.GetLength(from);
            RandomAccess.SetLength(to, length);
            var fd = (int)from.DangerousGetHandle();
            var buffer = new byte[Math.Min(Chunk, Math.Max(1, length))];
            for (long at = 0; at < length;)
            {
                var data = LibC.lseek(fd, at, LibC.SEEK_DATA);
                if (data < 0)
                    break; // ENXIO: only holes from here to the end
                var hole = LibC.lseek(fd, data, LibC.SEEK_HOLE);
                if (hole < 0)
                    hole = length;
                for (var offset = data; offset < hole;)
                {
                    var read = RandomAccess.Read(from, buffer.AsSpan(0, (int)Math.Min(buffer.Length, hole - offset)), offset);
                    if (read == 0)
                        break;
                    RandomAccess.Write(to, buffer.AsSpan(0, read), offset);
                    offset += read;
                }
                at = hole;
            }
            RandomAccess.FlushToDisk(to);
        }
        File.Move(partial, destination, overwrite: true);
    }
}
