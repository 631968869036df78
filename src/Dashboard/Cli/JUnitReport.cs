using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// A check as JUnit XML, in the shape pytest's --junitxml writes and Jenkins, GitLab and GitHub's
/// test reporters read: &lt;testsuites&gt; holding one &lt;testsuite name="bufferscope checks"&gt;,
/// a &lt;testcase&gt; with a &lt;failure&gt; per finding (message: kind and detail; body: the
/// reproduction, expected, got, traceback), and one passing test case for the cases that passed.
/// A check that could not run, or was cancelled, is a test case with an &lt;error&gt;, so a
/// pipeline that always publishes the report shows why. Test case names are unique (a reporter
/// merges equal ones). Text is made XML-safe: a repr can hold characters XML 1.0 forbids.
/// </summary>
public static class JUnitReport
{
    public const string SuiteName = "bufferscope checks";

    public static XDocument Build(CheckReport report)
    {
        var cases = new List<XElement>();
        var classname = $"{report.Mode}.{report.Target}";
        for (var i = 0; i < report.Findings.Count; i++)
        {
            var f = report.Findings[i];
            cases.Add(new XElement("testcase",
                new XAttribute("classname", Safe(classname)),
                new XAttribute("name", Safe($"{f.Kind} {i + 1}: {CheckSummary.Subject(f)}")),
                new XAttribute("time", "0"),
                new XElement("failure",
                    new XAttribute("type", f.Kind),
                    new XAttribute("message", Safe(f.Detail is null ? f.Kind : $"{f.Kind}: {f.Detail}")),
                    Safe(Body(f)))));
        }
        var errors = 0;
        if (report.State == CheckStates.Done)
        {
            var passed = report.Counts.GetValueOrDefault(CheckKinds.Passed);
            var refused = report.Counts.GetValueOrDefault(CheckKinds.Refused);
            cases.Add(new XElement("testcase",
                new XAttribute("classname", Safe(classname)),
                new XAttribute("name", $"passed: {passed} cases ({refused} refused, which is allowed)"),
                new XAttribute("time", Seconds(report.ElapsedMs))));
        }
        else
        {
            errors = 1;
            cases.Add(new XElement("testcase",
                new XAttribute("classname", Safe(classname)),
                new XAttribute("name", report.State == CheckStates.Cancelled ? "cancelled" : "check"),
                new XAttribute("time", Seconds(report.ElapsedMs)),
                new XElement("error",
                    new XAttribute("type", report.State),
                    new XAttribute("message", Safe(CheckSummary.Verdict(report))))));
        }
        var counts = new object[]
        {
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", report.Findings.Count),
            new XAttribute("errors", errors),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(report.ElapsedMs)),
        };
        var properties = new XElement("properties",
            Property("mode", report.Mode), Property("target", report.Target), Property("reference", report.Reference),
            Property("cases", report.Cases), Property("seed", report.Seed.ToString(CultureInfo.InvariantCulture)),
            Property("state", report.State), Property("total", report.Total.ToString(CultureInfo.InvariantCulture)),
            Property("done", report.Done.ToString(CultureInfo.InvariantCulture)),
            CheckKinds.All.Select(k => Property($"count.{k}", report.Counts.GetValueOrDefault(k).ToString(CultureInfo.InvariantCulture))));
        var suite = new XElement("testsuite", new XAttribute("name", SuiteName), counts,
            new XAttribute("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XAttribute("hostname", Safe(Environment.MachineName)), properties, cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", new XAttribute("name", "bufferscope"), counts, suite));
    }

    public static void Write(CheckReport report, string path)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using var writer = XmlWriter.Create(path, settings);
        Build(report).Save(writer);
    }

    /// <summary>What a reader of the failure needs to make it happen again and see why.</summary>
    private static string Body(Finding f)
    {
        var body = new StringBuilder();
        body.Append("repro:    ").Append(f.Repro).Append('\n');
        if (f.Expected is not null)
            body.Append("expected: ").Append(f.Expected).Append('\n');
        if (f.Got is not null)
            body.Append("got:      ").Append(f.Got).Append('\n');
        if (f.Detail is not null)
            body.Append("detail:   ").Append(f.Detail).Append('\n');
        if (f.Flags is not null)
            body.Append("request:  ").Append(f.Flags).Append('\n');
        body.Append("layout:   ").Append(f.Layout).Append('\n');
        if (f.Cases > 1)
            body.Append(CultureInfo.InvariantCulture, $"cases:    {f.Cases} failing cases shrank to this layout\n");
        if (f.Original is { } original && !original.SameAs(f.Layout))
            body.Append("first:    ").Append(original).Append('\n');
        if (f.Traceback is not null)
            body.Append("traceback:\n").Append(f.Traceback.TrimEnd()).Append('\n');
        return body.ToString();
    }

    private static XElement Property(string name, string? value) =>
        new("property", new XAttribute("name", name), new XAttribute("value", Safe(value ?? "")));

    private static string Seconds(double ms) => (ms / 1000).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary><paramref name="text"/> with every character XML 1.0 does not allow (NUL, most controls, a lone surrogate) written as \uXXXX.</summary>
    public static string Safe(string text)
    {
        StringBuilder? safe = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c);
            if (pair)
            {
                safe?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (XmlConvert.IsXmlChar(c))
            {
                safe?.Append(c);
                continue;
            }
            safe ??= new StringBuilder(text, 0, i, text.Length + 16);
            safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }
        return safe?.ToString() ?? text;
    }
}
