namespace Bufferscope.Core.Checks;

/// <summary>
/// What one case gave: its <see cref="CheckKinds">kind</see>, what the oracle gave and what the
/// target gave (reprs, or <c>Type: message</c>), why, and the case's bytes as hex when it failed
/// (so its reproduction makes the same buffer).
/// </summary>
public sealed record CaseResult(int Index, string Kind, string? Expected, string? Got, string? Detail, string? Data)
{
    /// <summary>An exporter check's: the layout the exporter's fullest answer described.</summary>
    public CaseLayout? Layout { get; init; }
}
