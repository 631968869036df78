using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Model;

/// <summary>What each kind of case result means, in a line a person reading a finding needs (the kernel's checks.py decides them).</summary>
public static class CheckKindText
{
    public static string Describe(string kind) => kind switch
    {
        CheckKinds.Passed => "the same result as on a C-contiguous copy of the same values",
        CheckKinds.Wrong => "a result (or a write) other than on a C-contiguous copy of the same values",
        CheckKinds.Crash => "the process died (the check's own kernel, started again for the next case)",
        CheckKinds.Hang => "ran past the case's time limit and ignored KeyboardInterrupt",
        CheckKinds.OobWrite => "wrote bytes no element covers: outside the buffer, or in a gap between strides",
        CheckKinds.ReadonlyWrite => "wrote into a buffer exported read-only",
        CheckKinds.LeakedExport => "kept an export, or a reference to the buffer, after it returned",
        CheckKinds.Refused => "raised BufferError, TypeError or ValueError: refusing a layout is allowed, so not a finding",
        _ => kind,
    };
}
