using System.Text.RegularExpressions;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Targets to offer the Checks panel: the callables the session's console defined at top level
/// (<c>def name(</c>, <c>name = lambda</c>), newest first. Read from the console's history, not
/// from the namespace: asking the kernel would be a console run of its own, numbered In [n] in the
/// user's transcript. So a callable made otherwise (imported, assigned) is not offered, and can
/// still be typed.
/// </summary>
public static partial class CheckTargets
{
    public const int Max = 8;

    public static IReadOnlyList<string> FromHistory(IEnumerable<HistoryDto> runs) =>
        [.. runs.Where(r => r.Ok).Reverse()
            .SelectMany(r => Defined(r.Code).Reverse())
            .Distinct()
            .Take(Max)];

    /// <summary>Names defined at top level by <paramref name="code"/>, in order.</summary>
    public static IEnumerable<string> Defined(string code) =>
        TopLevelCallable().Matches(code).Select(m => m.Groups["def"].Success ? m.Groups["def"].Value : m.Groups["lambda"].Value);

    [GeneratedRegex(@"^(?:(?:async\s+)?def\s+(?<def>[A-Za-z_]\w*)\s*\(|(?<lambda>[A-Za-z_]\w*)\s*=\s*lambda\b)", RegexOptions.Multiline)]
    private static partial Regex TopLevelCallable();
}
