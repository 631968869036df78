namespace Bufferscope.Dashboard.Tests.Kernels;

/// <summary>The interpreters present on this machine: Debian's python3 first, then each pyenv CPython 3.11-3.13 shared build.</summary>
public static class PythonBuilds
{
    public static IReadOnlyList<string> Present()
    {
        var pyenv = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv", "versions");
        var found = Directory.Exists(pyenv)
            ? Directory.GetDirectories(pyenv, "3.1*").Where(d => Path.GetFileName(d).Split('.')[1] is "11" or "12" or "13").Select(d => Path.Combine(d, "bin", "python3")).Where(File.Exists)
            : [];
        return [Core.Python.PythonOptions.DefaultExecutable, .. found.Order()];
    }
}
