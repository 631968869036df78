using System.Diagnostics;
using System.Text.Json;

namespace Bufferscope.Core.Python;

/// <summary>
/// What the configured executable says about itself: version, shared library, prefix. Probed by
/// running it isolated (<c>-I</c>) so no user site or environment variable changes the answer.
/// </summary>
public sealed record PythonInstallation(
    string Executable, Version Version, string Library, string BasePrefix, bool Shared, string Prefix)
{
    /// <summary>
    /// A virtual environment's <c>bin/python</c>: started with it as program_name, an isolated
    /// interpreter finds its <c>pyvenv.cfg</c> and puts its site-packages on <c>sys.path</c>.
    /// </summary>
    public bool IsVirtualEnvironment => !string.Equals(Prefix, BasePrefix, StringComparison.Ordinal);

    public static readonly Version Minimum = new(3, 11);

    private const string ProbeScript = """
        import json, sys, sysconfig
        v = sysconfig.get_config_var
        print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3], "libdir": v("LIBDIR") or "",
            "soname": v("INSTSONAME") or v("LDLIBRARY") or "", "shared": bool(v("Py_ENABLE_SHARED")),
            "base_prefix": sys.base_prefix, "prefix": sys.prefix, "executable": sys.executable}))
        """;

    public static PythonInstallation Probe(string executable)
    {
        if (!File.Exists(executable))
            throw new PythonStartException(
                $"Python executable '{executable}' does not exist. Set Bufferscope:Python:Executable " +
                "(appsettings.json) or BUFFERSCOPE_PYTHON to a CPython 3.11, 3.12 or 3.13 interpreter, e.g. /usr/bin/python3.");

        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-I", "-c", ProbeScript })
            start.ArgumentList.Add(argument);
        string output, error;
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                throw new PythonStartException($"Python executable '{executable}' did not answer its probe within 30 s.");
            }
            output = stdout.Result;
            if (process.ExitCode != 0)
                throw new PythonStartException($"Python executable '{executable}' failed its probe (exit {process.ExitCode}): {error.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PythonStartException($"Python executable '{executable}' could not be run: {e.Message}.", e);
        }

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var version = Version.Parse(root.GetProperty("version").GetString()!);
        var shared = root.GetProperty("shared").GetBoolean();
        var library = Path.Combine(root.GetProperty("libdir").GetString()!, root.GetProperty("soname").GetString()!);
        var installation = new PythonInstallation(executable, version, library, root.GetProperty("base_prefix").GetString()!, shared,
            (root.TryGetProperty("prefix", out var prefix) ? prefix : root.GetProperty("base_prefix")).GetString()!);
        installation.Validate();
        return installation;
    }

    private void Validate()
    {
        const string Fix = "Set Bufferscope:Python:Executable (appsettings.json) or BUFFERSCOPE_PYTHON to a shared CPython 3.11, 3.12 or 3.13 build, e.g. Debian's /usr/bin/python3.";
        if (Version < Minimum)
            throw new PythonStartException($"Python {Version} found at '{Executable}'; Bufferscope needs {Minimum} or newer. {Fix}");
        if (!Shared || !File.Exists(Library))
            throw new PythonStartException($"Python {Version} at '{Executable}' is a static build (no libpython shared library at '{Library}'), which cannot be embedded. {Fix}");
        if (PyConfigLayout.For(Version) is null)
            throw new PythonStartException($"Python {Version} found at '{Executable}'; this build of Bufferscope knows the PyConfig layout of {PyConfigLayout.Known} only. {Fix}");
    }
}
