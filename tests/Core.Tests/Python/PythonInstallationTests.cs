using Bufferscope.Core.Python;

namespace Bufferscope.Core.Tests.Python;

public sealed class PythonInstallationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bufferscope-probe").FullName;

    /// <summary>An executable that answers the probe like a Python of another kind would.</summary>
    private string Interpreter(string version, bool shared, string library = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0")
    {
        var path = Path.Combine(_dir, "python-" + version);
        var json = $$"""{"version": "{{version}}", "libdir": "{{Path.GetDirectoryName(library)}}", "soname": "{{Path.GetFileName(library)}}", "shared": {{(shared ? "true" : "false")}}, "base_prefix": "/usr", "executable": "{{path}}"}""";
        File.WriteAllText(path, $"#!/bin/sh\necho '{json}'\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        return path;
    }

    [Fact]
    public void Probe_DebianPython_FindsSharedLibrary()
    {
        var python = PythonInstallation.Probe(PythonOptions.DefaultExecutable);
        Assert.Equal((3, 11), (python.Version.Major, python.Version.Minor));
        Assert.True(python.Shared);
        Assert.True(File.Exists(python.Library));
    }

    [Fact]
    public void Probe_TooOld_IsRefusedNamingVersionAndSetting()
    {
        var e = Assert.Throws<PythonStartException>(() => PythonInstallation.Probe(Interpreter("3.10.12", shared: true)));
        Assert.Contains("Python 3.10.12 found at", e.Message);
        Assert.Contains("needs 3.11 or newer", e.Message);
        Assert.Contains("Bufferscope:Python:Executable", e.Message);
        Assert.Contains("BUFFERSCOPE_PYTHON", e.Message);
    }

    [Fact]
    public void Probe_StaticBuild_IsRefused()
    {
        var e = Assert.Throws<PythonStartException>(() => PythonInstallation.Probe(Interpreter("3.11.9", shared: false)));
        Assert.Contains("static build", e.Message);
    }

    [Fact]
    public void Probe_Missing_IsRefused()
    {
        var e = Assert.Throws<PythonStartException>(() => PythonInstallation.Probe("/nonexistent/python3"));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Probe_NotPython_IsRefused()
    {
        var e = Assert.Throws<PythonStartException>(() => PythonInstallation.Probe("/bin/false"));
        Assert.Contains("failed its probe", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
