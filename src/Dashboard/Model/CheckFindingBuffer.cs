using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// A finding as a real buffer of the session, for the inspector: its shrunk layout over the case's
/// own bytes (<see cref="Finding.Data"/>), named <c>finding_&lt;kind&gt;_&lt;n&gt;</c>.
/// </summary>
public static class CheckFindingBuffer
{
    /// <summary>
    /// <c>finding_oob_write_2</c> for the second oob-write finding: a Python identifier whatever
    /// the kind (its '-' becomes '_'; the prefix keeps it off the keywords), and, when a buffer of
    /// <paramref name="taken"/> has that name, the first of <c>_2</c>, <c>_3</c>... that is free.
    /// </summary>
    public static string Name(string kind, int n, IEnumerable<string> taken)
    {
        var stem = $"finding_{new string([.. kind.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')])}_{n}";
        var names = taken.ToHashSet(StringComparer.Ordinal);
        var name = stem;
        for (var again = 2; names.Contains(name); again++)
            name = $"{stem}_{again}";
        return name;
    }

    /// <summary>The create request: the layout as it is (strides, so C, F or strided as they say), filled with the case's bytes.</summary>
    public static BufferSpec Spec(Finding finding, string name) => new()
    {
        Name = name,
        Format = finding.Layout.Format,
        Shape = finding.Layout.Shape,
        Strides = finding.Layout.Strides,
        Offset = finding.Layout.Offset,
        Readonly = finding.Layout.Readonly,
        // No bytes (a layout of no items, or a case whose bytes did not come back): fresh zeros.
        Fill = finding.Data is { Length: > 0 } data ? new FillSpec { Kind = "bytes", Bytes = data } : null,
    };
}
