using System.Text.RegularExpressions;

namespace Bufferscope.Dashboard.Model;

/// <summary>A view's origin when a console run made it, "In [3], line 2": the run's number and the line, so the panel can show that code.</summary>
public sealed partial record OriginCode(long Run, int Line)
{
    [GeneratedRegex(@"^In \[(\d+)\], line (\d+)$")]
    private static partial Regex Pattern();

    /// <summary>The run and line of an origin, or null for one no console run made (a file, .NET).</summary>
    public static OriginCode? Parse(string origin) =>
        Pattern().Match(origin) is { Success: true } m && long.TryParse(m.Groups[1].Value, out var run) && int.TryParse(m.Groups[2].Value, out var line)
            ? new OriginCode(run, line)
            : null;
}
