namespace Bufferscope.Core.Checks;

/// <summary>One case of a check: its place in the run (progress and a crash name it by this) and its layout.</summary>
public sealed record CheckCase(int Index, CaseLayout Layout);
