namespace Bufferscope.Core.Checks;

/// <summary>
/// One case of a check: its place in the run (progress and a crash name it by this), and either
/// a layout (a consumer check: the buffer the target is handed) or request flags (an exporter
/// check: what the target is asked). <see cref="DataOnly"/> asks only for a layout's bytes,
/// without calling the target: what a crash's reproduction needs from a fresh kernel.
/// </summary>
public sealed record CheckCase(int Index, CaseLayout? Layout, bool DataOnly = false, int? Flags = null);
