using System.Globalization;

namespace Bufferscope.Core.Checks;

/// <summary>
/// The address ranges this process has mapped (<c>/proc/self/maps</c>, neighbours merged): whether
/// the bytes an exporter's answer describes exist at all, without touching them.
/// </summary>
internal sealed class MappedMemory
{
    private readonly List<(ulong Start, ulong End)> _ranges = [];

    private MappedMemory() { }

    public static MappedMemory Read()
    {
        var memory = new MappedMemory();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash <= 0 || space <= dash)
                continue;
            var start = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (memory._ranges.Count > 0 && memory._ranges[^1].End == start)
                memory._ranges[^1] = (memory._ranges[^1].Start, end);
            else
                memory._ranges.Add((start, end));
        }
        return memory;
    }

    /// <summary>Whether [start, end) lies inside one run of mapped pages.</summary>
    public bool Contains(ulong start, ulong end) => _ranges.Any(r => r.Start <= start && end <= r.End);
}
