namespace Bufferscope.Core.Buffers;

/// <summary>
/// The parts of an export after the bare slot, each switchable so the benchmark can report what
/// it costs. Always all on in the product: with the ledger off the export count is not kept,
/// so nothing would stop a buffer from being freed under a view.
/// </summary>
internal static class ExportParts
{
    /// <summary>Record each export in the ledger (exact count, flags, time).</summary>
    public static bool Ledger = true;
    /// <summary>Look up the Python file and line that asked.</summary>
    public static bool Origin = true;
    /// <summary>Tell the live feed, once per frame.</summary>
    public static bool Feed = true;
}
