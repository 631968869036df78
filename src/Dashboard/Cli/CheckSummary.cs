using System.Globalization;
using System.Text;
using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// What a check found, as stdout shows it at the end: what ran, the count of every kind (zeros
/// too, so a log can be searched for one), then each finding with its kind, layout (or request), reproduction,
/// expected and got, and why; the last line says the verdict the exit status carries.
/// </summary>
public static class CheckSummary
{
    private const string Indent = "     ";

    public static string Text(CheckReport report)
    {
        var text = new StringBuilder();
        var seconds = (report.ElapsedMs / 1000).ToString("0.0", CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"bufferscope check: {report.Mode} {report.Target}")
            .Append(report.Reference is null ? "" : $" (reference {report.Reference})")
            // An exporter check sends a fixed set of requests: no case set, no seed.
            .Append(report.Mode == "consumer" ? $", cases {report.Cases}, seed {report.Seed.ToString(CultureInfo.InvariantCulture)}" : "")
            .Append(CultureInfo.InvariantCulture, $": {report.Done} of {report.Total} cases in {seconds} s")
            .Append(CultureInfo.InvariantCulture, $" ({report.KernelStarts} {(report.KernelStarts == 1 ? "kernel" : "kernels")}, {(report.KernelStartMs / 1000).ToString("0.0", CultureInfo.InvariantCulture)} s of it starting them)\n");
        text.Append("  ").AppendJoin("  ", CheckKinds.All.Select(k => $"{k} {report.Counts.GetValueOrDefault(k)}")).Append('\n');
        for (var i = 0; i < report.Findings.Count; i++)
        {
            var f = report.Findings[i];
            text.Append(CultureInfo.InvariantCulture, $"\n{i + 1,3}. {f.Kind}: {Subject(f)}");
            if (f.Cases > 1)
                text.Append(CultureInfo.InvariantCulture, $" (stands for {f.Cases} failing cases)");
            text.Append('\n');
            Field(text, "repro", f.Repro);
            Field(text, "expected", f.Expected);
            Field(text, "got", f.Got);
            Field(text, "detail", f.Detail);
            if (f.Drawing is { } drawing)
            {
                // Its own lines, so the byte columns line up.
                text.Append(Indent).Append("layout:\n");
                foreach (var line in drawing.Split('\n'))
                    text.Append(Indent).Append("  ").Append(line).Append('\n');
            }
            Field(text, "traceback", f.Traceback);
        }
        text.Append('\n').Append(Verdict(report)).Append('\n');
        return text.ToString();
    }

    /// <summary>The last line: OK, FAILED with how many, or why the check did not finish.</summary>
    public static string Verdict(CheckReport report)
    {
        var refused = report.Counts.GetValueOrDefault(CheckKinds.Refused);
        var findings = report.FindingCount;
        return report.State switch
        {
            CheckStates.Failed => $"ERROR: the check could not run: {report.Error}",
            CheckStates.Cancelled => $"CANCELLED after {report.Done} of {report.Total} cases; {findings} failing so far",
            _ when findings == 0 => $"OK: no findings ({refused} refused, which is allowed)",
            _ => $"FAILED: {findings} failing {(findings == 1 ? "case" : "cases")} in {report.Findings.Count} {(report.Findings.Count == 1 ? "finding" : "findings")}",
        };
    }

    /// <summary>What a finding is about: a consumer's, the layout it was handed; an exporter's, the request it was sent.</summary>
    public static string Subject(Finding f) => f.Flags is { } flags ? $"request {flags}" : f.Layout.ToString();

    private static void Field(StringBuilder text, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        var lines = value.TrimEnd().ReplaceLineEndings("\n").Split('\n');
        text.Append(Indent).Append((name + ":").PadRight(11)).Append(lines[0]).Append('\n');
        foreach (var line in lines.Skip(1))
            text.Append(line.Length == 0 ? "" : Indent + "  " + line).Append('\n');
    }
}
