using System.Text.RegularExpressions;

namespace Bufferscope.Core.Checks;

/// <summary>The one line that reproduces a finding: the target called on the case's buffer, as a user would type it.</summary>
public static partial class Repro
{
    /// <summary>
    /// <c>import mymodule; mymodule.process(buffer)</c> for a <c>module:function</c> target,
    /// <c>total(buffer)</c> for a name, <c>(lambda b: ...)(buffer)</c> for any other expression.
    /// </summary>
    public static string Call(string target, string buffer)
    {
        if (ModuleTarget().Match(target) is { Success: true } m)
            return $"import {m.Groups[1].Value}; {m.Groups[1].Value}.{m.Groups[2].Value}({buffer})";
        return DottedName().IsMatch(target) ? $"{target}({buffer})" : $"({target})({buffer})";
    }

    [GeneratedRegex(@"^([A-Za-z_][\w.]*):([A-Za-z_][\w.]*)$")]
    private static partial Regex ModuleTarget();

    [GeneratedRegex(@"^[A-Za-z_][\w.]*$")]
    private static partial Regex DottedName();
}
