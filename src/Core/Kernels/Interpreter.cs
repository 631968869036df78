using Bufferscope.Core.Python;

namespace Bufferscope.Core.Kernels;

/// <summary>One allowed interpreter: its probe's answer, or why it failed.</summary>
public sealed record Interpreter(string Executable, PythonInstallation? Installation, string? Error, bool IsDefault)
{
    public string Describe() => $"{Executable} ({(Installation is { } i ? $"Python {i.Version}{(i.IsVirtualEnvironment ? ", virtual environment" : "")}" : "not working")}{(IsDefault ? ", default" : "")})";
}
