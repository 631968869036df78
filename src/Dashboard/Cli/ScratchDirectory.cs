namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// A private directory (0700) for one command's kernel sockets and progress file, removed with
/// everything in it when disposed, so a CI runner keeps nothing of the check.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    private ScratchDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>A new directory under the temporary directory ($TMPDIR or /tmp): on Unix, made 0700.</summary>
    public static ScratchDirectory Create() => new(Directory.CreateTempSubdirectory("bufferscope-check-").FullName);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // what is left is in a temporary directory: not worth failing the check
    }
}
