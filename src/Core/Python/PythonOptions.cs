namespace Bufferscope.Core.Python;

/// <summary>Configuration section <c>Bufferscope:Python</c>.</summary>
public sealed class PythonOptions
{
    public const string DefaultExecutable = "/usr/bin/python3";

    /// <summary>The interpreter to embed. Never the <c>python3</c> on PATH: that may be a build without numpy.</summary>
    public string Executable { get; set; } = DefaultExecutable;

    /// <summary>
    /// Interpreters besides <see cref="Executable"/> that a session may ask for: CPython 3.11-3.13
    /// shared builds, or a virtual environment's <c>bin/python</c>, each named by its path.
    /// </summary>
    public string[] Interpreters { get; set; } = [];

    /// <summary>How long a console snippet may run before it is interrupted.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads <c>BUFFERSCOPE_PYTHON</c>, which overrides configuration.</summary>
    public PythonOptions WithEnvironment()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BUFFERSCOPE_PYTHON");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            Executable = fromEnvironment;
        return this;
    }
}
