using Bufferscope.Core.Kernels;

namespace Bufferscope.Dashboard.Api.Contracts;

/// <summary>
/// An allowed interpreter: its path (what a session names), its version, whether it is the
/// default or a virtual environment, and why it does not work when it does not (then version is null).
/// </summary>
public sealed record InterpreterDto(string Executable, string? Version, bool Default, bool VirtualEnvironment, string? Error)
{
    public static InterpreterDto From(Interpreter i) =>
        new(i.Executable, i.Installation?.Version.ToString(), i.IsDefault, i.Installation?.IsVirtualEnvironment ?? false, i.Error);
}
