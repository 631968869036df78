using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Checks;

/// <summary>
/// What to check, as <c>POST /api/sessions/{sid}/checks</c> takes it: the mode, the target
/// (<c>module:function</c> or an expression in the session), an optional reference callable (the
/// oracle; by default the target on a C-contiguous copy), the case set, its seed, and the time
/// one case may take before it counts as a hang.
/// </summary>
public sealed record CheckRequest
{
    public const int MinCaseTimeoutMs = 10;
    public const int MaxCaseTimeoutMs = 60_000;
    public const int MaxTargetLength = 1_000;

    public string? Mode { get; init; } = "consumer";
    public string? Target { get; init; }
    public string? Reference { get; init; }
    public string? Cases { get; init; } = CaseSet.Standard;
    public int Seed { get; init; } = 1;
    public int CaseTimeoutMs { get; init; } = 2000;

    /// <summary>The request with its defaults filled in; throws <see cref="BufferSpecException"/> naming the field and what is allowed.</summary>
    public CheckRequest Validated()
    {
        var mode = Mode ?? "consumer";
        if (mode is not ("consumer" or "exporter"))
            throw new BufferSpecException("mode", $"mode '{mode}' is not allowed; use 'consumer' (run a callable over every layout) or 'exporter' (send an object every request)");
        if (string.IsNullOrWhiteSpace(Target))
            throw new BufferSpecException("target", "target is required: 'module:function', or an expression in the session naming a callable, e.g. \"numpy.sum\"");
        if (Target.Length > MaxTargetLength || (Reference?.Length ?? 0) > MaxTargetLength)
            throw new BufferSpecException(Target.Length > MaxTargetLength ? "target" : "reference", $"at most {MaxTargetLength} characters");
        if (CaseTimeoutMs is < MinCaseTimeoutMs or > MaxCaseTimeoutMs)
            throw new BufferSpecException("caseTimeoutMs", $"caseTimeoutMs is {CaseTimeoutMs}; it must be {MinCaseTimeoutMs} to {MaxCaseTimeoutMs}");
        return this with
        {
            Mode = mode,
            Target = Target.Trim(),
            Reference = string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim(),
            Cases = CaseSet.CheckSize(Cases),
        };
    }
}
