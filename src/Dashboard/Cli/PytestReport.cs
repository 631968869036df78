using System.Globalization;
using System.Text;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// A consumer check's findings as a pytest file users run in their own environment, where
/// bufferscope is not importable: <see cref="ReproPrelude"/> (how a case's buffer is made with
/// ctypes, and each kind's judgment), the check's setup (sys.path, imports, setup code), then one
/// <c>test_</c> function per finding that rebuilds its buffer from the finding's layout and bytes and
/// asserts what the check's oracle asserted: for wrong, the target's result equals the oracle's on a
/// C-contiguous copy of the same values; for a crash it just calls the target (the test process
/// crashing is the reproduction). Each test fails while the defect is there and passes once it is fixed.
/// </summary>
public static class PytestReport
{
    public static string Build(CheckReport report, KernelSetup setup, TimeSpan hangAfter)
    {
        var file = new StringBuilder();
        file.Append(PythonLiteral.Comment($"Reproductions of what `bufferscope check` found: {report.Mode} {report.Target}, cases {report.Cases}, seed {report.Seed}, " +
            $"{report.Findings.Count} finding(s).\nGenerated: each test rebuilds one finding's buffer and calls the target on it."));
        file.Append(CultureInfo.InvariantCulture, $""""
            """Bufferscope check reproductions.

            Needs: CPython 3.8 or newer and pytest; nothing of bufferscope and no numpy (a case's
            buffer is made with ctypes: exactly its format, shape, strides, offset, read-only flag
            and bytes). The code under test must import here as it did in the check: run pytest from
            the directory the check ran in, or put the code on PYTHONPATH; the directories the check
            put on sys.path are added below, those that exist.

            A crash test ends the process that runs it: that is the reproduction. Run it alone
            (pytest -k NAME), or the whole file with pytest-forked's --forked. A hang test ends the
            process after {hangAfter.TotalSeconds:0.#} s, with every thread's traceback (faulthandler).
            From Python 3.12 the target is handed an object that exports the buffer and counts its
            exports, as the check's MemBuf did; before 3.12, the memoryview itself.
            """

            """");
        file.Append(ReproPrelude.Code).Append("\n\n");
        file.Append("# The check's setup, as each of its kernels ran it.\n");
        file.Append("sys.path[:0] = [_p for _p in [").AppendJoin(", ", setup.Directories.Select(PythonLiteral.Of)).Append("] if os.path.isdir(_p)]\n");
        foreach (var step in setup.Steps)
            file.Append(PythonLiteral.Comment(step.Source)).Append(step.Code.TrimEnd()).Append('\n');
        file.Append('\n')
            .Append("TARGET = ").Append(PythonLiteral.Of(report.Target)).Append('\n')
            .Append("ORACLE = ").Append(PythonLiteral.Of(report.Reference ?? report.Target))
            .Append(report.Reference is null ? "  # no --reference: the target itself, on a C-contiguous copy\n" : "\n")
            .Append(CultureInfo.InvariantCulture, $"HANG_SECONDS = {hangAfter.TotalSeconds:0.0##}\n");
        if (report.Mode != "consumer")
        {
            // Not yet: an exporter's judgment is the whole of PEP 3118's rules (ExporterRules), which this file would have to carry.
            file.Append('\n').Append(PythonLiteral.Comment($"Findings of a check in mode '{report.Mode}' are not reproduced as tests yet (only a consumer's are); what they were:"));
            foreach (var f in report.Findings)
                file.Append(PythonLiteral.Comment($"{f.Kind}: {CheckSummary.Subject(f)}: {f.Detail}\n  {f.Repro}\n  expected: {f.Expected}\n  got: {f.Got}"));
            return file.ToString();
        }
        if (report.Findings.Count == 0)
            file.Append('\n').Append(PythonLiteral.Comment("No findings: nothing to reproduce."));
        for (var i = 0; i < report.Findings.Count; i++)
            file.Append("\n\n").Append(Test(report.Findings[i], i + 1));
        return file.ToString();
    }

    public static void Write(CheckReport report, KernelSetup setup, TimeSpan hangAfter, string path) =>
        File.WriteAllText(path, Build(report, setup, hangAfter), new UTF8Encoding(false));

    private static string Test(Finding f, int n)
    {
        var l = f.Layout;
        var test = new StringBuilder();
        var about = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{n}. {f.Kind}: {f.Detail}").Append(f.Cases > 1 ? $" (stands for {f.Cases} failing cases)" : "").Append('\n')
            .Append("layout:   ").Append(l).Append('\n')
            .Append("as in bufferscope: ").Append(f.Repro).Append('\n');
        if (f.Expected is not null)
            about.Append("expected: ").Append(f.Expected).Append('\n');
        if (f.Got is not null)
            about.Append("got:      ").Append(f.Got).Append('\n');
        if (f.Traceback is not null)
            about.Append("the check's traceback:\n").Append(f.Traceback.TrimEnd()).Append('\n');
        test.Append(PythonLiteral.Comment(about.ToString().TrimEnd()));
        test.Append("def ").Append(Name(f, n)).Append("():\n");
        test.Append("    case = _Case(").Append(PythonLiteral.Of(l.Format)).Append(", ").Append(BufferLayout.Show(l.Shape)).Append(", ")
            .Append(BufferLayout.Show(l.Strides)).Append(", ").Append(l.Offset.ToString(CultureInfo.InvariantCulture)).Append(", ")
            .Append(l.Readonly ? "True" : "False").Append(", ").Append(PythonLiteral.Of(f.Data)).Append(")\n");
        test.Append(f.Kind switch
        {
            CheckKinds.Wrong => "    _assert_same_as_copy(case, _resolve(TARGET), _resolve(ORACLE))\n",
            CheckKinds.OobWrite => "    _assert_no_write_outside(case, _resolve(TARGET))\n",
            CheckKinds.ReadonlyWrite => "    _assert_read_only_untouched(case, _resolve(TARGET))\n",
            CheckKinds.LeakedExport => "    _assert_no_leak(case, _resolve(TARGET))\n",
            CheckKinds.Hang => "    _call_within(HANG_SECONDS, _resolve(TARGET), case.buffer)\n",
            CheckKinds.Crash => "    _resolve(TARGET)(case.buffer)  # the check's kernel died in this call: this process will too\n",
            _ => "    _resolve(TARGET)(case.buffer)\n", // a kind this file does not know how to judge: the call at least
        });
        return test.ToString();
    }

    /// <summary>test_wrong_1_2x2_fortran: the kind, the number (names are unique), the shape and the order.</summary>
    private static string Name(Finding f, int n)
    {
        var l = f.Layout;
        var shape = l.Rank == 0 ? "scalar" : string.Join("x", l.Shape);
        string order;
        try { order = l.Order switch { "C" => "c", "F" => "fortran", _ => "strided" }; }
        catch (BufferSpecException) { order = "strided"; } // a layout BufferLayout refuses still gets its test: the name is only a name
        return $"test_{f.Kind.Replace('-', '_')}_{n}_{shape}_{order}{(l.Readonly ? "_readonly" : "")}";
    }
}
