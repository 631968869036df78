namespace Bufferscope.Core.Checks;

/// <summary>
/// One case of a check: its place in the run (progress and a crash name it by this) and its
/// layout. <see cref="DataOnly"/> asks only for the case's bytes, without calling the target:
/// what a crash's reproduction needs from a fresh kernel.
/// </summary>
public sealed record CheckCase(int Index, CaseLayout Layout, bool DataOnly = false);
