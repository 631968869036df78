using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bufferscope.Core.Checks;
using Bufferscope.Dashboard.Cli;

namespace Bufferscope.Dashboard.Tests.Checks;

/// <summary>
/// <c>check</c> as a CI pipeline runs it: the real executable (<c>dotnet Bufferscope.Dashboard.dll check</c>)
/// as a process of its own, in a directory holding the module under test, on the default
/// interpreter. A consumer that assumes C order is found (exit 1) and reported in JUnit XML and a
/// pytest file that fails until the consumer is fixed; a correct one exits 0; a bad target, a bad
/// flag and a failing import exit 2 saying what is wrong. Every process started here is waited for,
/// and killed with its children when it outlives its time.
/// </summary>
public sealed class CheckCommandTests(CheckCommandTests.COrderCheck cOrder) : IClassFixture<CheckCommandTests.COrderCheck>
{
    private const string Python = Core.Python.PythonOptions.DefaultExecutable;

    private const string Module = """
        import ctypes
        import numpy as np

        def process(b):
            a = np.asarray(b)
            return np.frombuffer(ctypes.string_at(a.ctypes.data, a.nbytes), a.dtype).reshape(a.shape).tolist()

        def total(b):
            return np.asarray(b).sum()
        """;

    /// <summary>The same module with process fixed: what the pytest reproductions must pass on.</summary>
    private const string FixedModule = """
        import numpy as np

        def process(b):
            return np.asarray(b).tolist()
        """;

    public sealed record Outcome(int Exit, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>One quick check of the C-order consumer with both reports, shared by the tests that read what it wrote.</summary>
    public sealed class COrderCheck : IAsyncLifetime
    {
        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("bufferscope-cli-test-").FullName;
        public string JUnit => Path.Combine(Directory, "out.xml");
        public string Pytest => Path.Combine(Directory, "test_buffers_repro.py");
        public Outcome Outcome { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            File.WriteAllText(Path.Combine(Directory, "mymodule.py"), Module);
            Outcome = await CheckAsync(Directory, "--import", "mymodule", "--consumer", "mymodule:process", "--cases", "quick",
                "--junit", "out.xml", "--pytest", "test_buffers_repro.py");
        }

        public ValueTask DisposeAsync()
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public void Check_ConsumerThatAssumesCOrder_ExitsOneWithAWrongFinding()
    {
        var outcome = cOrder.Outcome;
        Assert.True(outcome.Exit == CheckCommand.Findings, outcome.ToString());
        Assert.Matches(@"\n  passed \d+  wrong [1-9]\d*  crash 0", outcome.Stdout);
        Assert.Matches(@"\n +1\. wrong: format '.+', shape \(", outcome.Stdout);
        Assert.Contains("repro:     import mymodule; mymodule.process(bufferscope.MemBuf(", outcome.Stdout);
        Assert.Contains("expected:", outcome.Stdout);
        Assert.Contains("got:", outcome.Stdout);
        Assert.Contains("FAILED:", outcome.Stdout);
        // Progress went to stderr, never into the summary a pipeline reads.
        Assert.Matches(@"bufferscope check: (\d+)/\1 cases", outcome.Stderr);
        Assert.DoesNotMatch(@"\d+/\d+ cases", outcome.Stdout);
    }

    [Fact]
    public void Check_ConsumerThatAssumesCOrder_WritesJUnitWithAFailurePerFinding()
    {
        var findings = Findings(cOrder.Outcome.Stdout);
        var suite = Assert.Single(XDocument.Load(cOrder.JUnit).Root!.Elements("testsuite"));
        Assert.Equal(JUnitReport.SuiteName, (string?)suite.Attribute("name"));
        var failures = suite.Elements("testcase").Where(c => c.Element("failure") is not null).ToList();
        Assert.Equal(findings, failures.Count);
        Assert.Equal(findings, (int)suite.Attribute("failures")!);
        Assert.Equal(findings + 1, (int)suite.Attribute("tests")!);
        Assert.All(failures, c =>
        {
            var failure = c.Element("failure")!;
            Assert.StartsWith("wrong: the result differs", (string?)failure.Attribute("message"));
            Assert.Contains("repro:    import mymodule; mymodule.process(", failure.Value);
            Assert.Contains("expected: ", failure.Value);
            Assert.Contains("got:      ", failure.Value);
        });
        Assert.Equal(failures.Count, failures.Select(c => (string?)c.Attribute("name")).Distinct().Count());
        var passed = Assert.Single(suite.Elements("testcase"), c => !c.HasElements);
        Assert.Matches(@"^passed: [1-9]\d* cases", (string?)passed.Attribute("name"));
    }

    [Fact]
    public async Task Check_ConsumerThatAssumesCOrder_WritesPytestReproductionsThatFailUntilFixed()
    {
        var findings = Findings(cOrder.Outcome.Stdout);
        var source = File.ReadAllText(cOrder.Pytest);
        Assert.Equal(findings, Regex.Matches(source, @"^def test_wrong_\d+_", RegexOptions.Multiline).Count);
        var compiled = await RunAsync(Python, cOrder.Directory, "-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", cOrder.Pytest);
        Assert.True(compiled.Exit == 0, compiled.ToString());

        if ((await RunAsync(Python, cOrder.Directory, "-m", "pytest", "--version")).Exit != 0)
            Assert.Skip($"pytest is not installed for {Python}: the reproductions compiled, running them was skipped");
        var failing = await RunAsync(Python, cOrder.Directory, "-m", "pytest", "-q", "-p", "no:cacheprovider", cOrder.Pytest);
        Assert.True(failing.Exit == 1, failing.ToString());
        Assert.Contains($"{findings} failed", failing.Stdout);
        Assert.Contains("the result differs from the one on a C-contiguous copy", failing.Stdout);

        // The last test of the shared check's directory to touch its module: the others read only what the check wrote.
        File.WriteAllText(Path.Combine(cOrder.Directory, "mymodule.py"), FixedModule);
        var fixedRun = await RunAsync(Python, cOrder.Directory, "-m", "pytest", "-q", "-p", "no:cacheprovider", cOrder.Pytest);
        Assert.True(fixedRun.Exit == 0, fixedRun.ToString());
        Assert.Contains($"{findings} passed", fixedRun.Stdout);
    }

    [Fact]
    public async Task Check_CorrectConsumer_ExitsZero()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "mymodule.py"), Module);
        var outcome = await CheckAsync(directory.Path, "--import", "mymodule", "--consumer", "mymodule:total", "--cases", "quick");
        Assert.True(outcome.Exit == CheckCommand.NoFindings, outcome.ToString());
        Assert.Matches(@"\n  passed [1-9]\d*  wrong 0  crash 0  hang 0  oob-write 0  readonly-write 0  leaked-export 0  refused \d+\n", outcome.Stdout);
        Assert.Contains("OK: no findings", outcome.Stdout);
    }

    [Fact]
    public async Task Check_ExporterThatKeepsTheRules_ExitsZero()
    {
        using var directory = new TempDirectory();
        var outcome = await CheckAsync(directory.Path, "--setup", "data = bytearray(range(16))", "--exporter", "data", "--junit", "out.xml");
        Assert.True(outcome.Exit == CheckCommand.NoFindings, outcome.ToString());
        Assert.StartsWith("bufferscope check: exporter data: ", outcome.Stdout);
        Assert.Contains("OK: no findings", outcome.Stdout);
        Assert.Empty(XDocument.Load(Path.Combine(directory.Path, "out.xml")).Descendants("failure"));
    }

    [Fact]
    public async Task Check_ModuleOutsideTheCurrentDirectory_ImportsWithPathOnly()
    {
        using var directory = new TempDirectory();
        var elsewhere = System.IO.Directory.CreateDirectory(Path.Combine(directory.Path, "src")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "elsewhere.py"), Module);
        string[] check = ["--import", "elsewhere", "--consumer", "elsewhere:total", "--cases", "quick"];

        var without = await CheckAsync(directory.Path, check);
        Assert.True(without.Exit == CheckCommand.Error, without.ToString());
        Assert.Contains("setup failed: --import elsewhere: ModuleNotFoundError: No module named 'elsewhere'", without.Stderr);
        Assert.Contains("add --path DIR", without.Stderr);

        var with = await CheckAsync(directory.Path, [.. check, "--path", "src"]);
        Assert.True(with.Exit == CheckCommand.NoFindings, with.ToString());
    }

    [Fact]
    public async Task Check_TargetThatDoesNotResolve_ExitsTwoNamingIt()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "mymodule.py"), Module);
        var outcome = await CheckAsync(directory.Path, "--import", "mymodule", "--consumer", "mymodule:no_such_function", "--cases", "quick");
        Assert.True(outcome.Exit == CheckCommand.Error, outcome.ToString());
        Assert.Contains("bufferscope check: the check could not run: target 'mymodule:no_such_function': AttributeError: module 'mymodule' has no attribute 'no_such_function'", outcome.Stderr);
        Assert.Equal("", outcome.Stdout);
    }

    [Theory]
    [InlineData("--consumer m:f --bogus 1", "unknown option '--bogus'; the options are --consumer, --exporter")]
    [InlineData("--consumer m:f --cases huge", "--cases: cases 'huge' is not a case set; use one of quick, standard, exhaustive")]
    [InlineData("--consumer m:f --seed one", "--seed 'one' is not a whole number")]
    [InlineData("--consumer m:f --case-timeout-ms 1", "--case-timeout-ms: caseTimeoutMs is 1; it must be 10 to 60000")]
    [InlineData("--consumer m:f --import 'x; y'", "--import 'x; y' is not a module name")]
    [InlineData("--cases quick", "no target: give --consumer TARGET")]
    [InlineData("--consumer m:f --exporter m:g", "--exporter after --consumer: a check has one target")]
    [InlineData("--consumer m:f --python /no/such/python3", "--python: Python executable '/no/such/python3' does not exist")]
    public async Task Check_BadFlag_ExitsTwoSayingWhatIsWrong(string arguments, string message)
    {
        using var directory = new TempDirectory();
        var outcome = await CheckAsync(directory.Path, Split(arguments));
        Assert.True(outcome.Exit == CheckCommand.Error, outcome.ToString());
        Assert.Contains("bufferscope check: " + message, outcome.Stderr);
        Assert.Equal("", outcome.Stdout);
    }

    [Fact]
    public async Task Check_Help_PrintsUsageAndExitsZero()
    {
        using var directory = new TempDirectory();
        var outcome = await CheckAsync(directory.Path, "--help");
        Assert.True(outcome.Exit == 0, outcome.ToString());
        Assert.StartsWith("Usage: bufferscope check --consumer TARGET", outcome.Stdout);
        Assert.Contains("Exit status: 0 no finding", outcome.Stdout);
    }

    [Fact]
    public async Task Check_Sigterm_EndsItsKernelsRemovesItsFilesAndExits130()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "slow.py"), "import time\n\ndef process(b):\n    time.sleep(0.05)\n    return memoryview(b).nbytes\n");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Bufferscope.Dashboard.dll"), CheckCommand.Mode, "--import", "slow", "--consumer", "slow:process", "--cases", "quick", "--junit", "out.xml" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            // The first progress line comes after the first batch: by then the kernel is up and running cases.
            var line = await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            Assert.Matches(@"^bufferscope check: \d+/306 cases", line);
            var kernel = Assert.Single(Children(process.Id), c => c.CommandLine.Contains(" kernel --socket ", StringComparison.Ordinal));
            var scratch = Path.GetDirectoryName(kernel.CommandLine.Split(' ')[^1])!;
            Assert.True(Directory.Exists(scratch), scratch);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == CheckCommand.Interrupted, $"exit {process.ExitCode}\n{await stdout}\n{stderr}");
            Assert.Contains("CANCELLED after ", await stdout);
            Assert.Equal("cancelled", (string?)XDocument.Load(Path.Combine(directory.Path, "out.xml")).Descendants("error").Single().Attribute("type"));
            // The command waits for its kernels to end (and reaps them) before it exits.
            Assert.False(Directory.Exists($"/proc/{kernel.Pid}"), $"kernel {kernel.Pid} outlived its check");
            Assert.False(Directory.Exists(scratch), $"{scratch} outlived its check");
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>The processes whose parent is <paramref name="pid"/>, with their command lines.</summary>
    private static List<(int Pid, string CommandLine)> Children(int pid)
    {
        var children = new List<(int, string)>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var child))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == pid)
                    children.Add((child, File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ').TrimEnd()));
            }
            catch (IOException) { } // a process that ended meanwhile
        }
        return children;
    }

    /// <summary>A finding whose text holds what XML 1.0 and Python source cannot hold as is.</summary>
    private static CheckReport AwkwardReport()
    {
        var layout = new CaseLayout("<d", [2, 3], [-8, 16], 8, false);
        var finding = new Finding(CheckKinds.Wrong, layout, null, "f(bufferscope.MemBuf(shape=(2, 3)))", "b'\0\u0001' \"quoted\" \ud83d\ude00", "\u0000 end\u0007",
            "line one\nline two\r\n\"\"\" and ''' and \\ \u000c page")
        { Data = "00", Traceback = "Fatal Python error\n\0" };
        return new CheckReport("id", "cli", "consumer", "mymodule:process", null, "quick", 1, CheckStates.Done, 1, 1,
            new Dictionary<string, int> { [CheckKinds.Wrong] = 1 }, [finding], null, DateTimeOffset.UnixEpoch, 12.5);
    }

    [Fact]
    public void JUnitReport_TextXmlForbids_IsEscapedAndTheDocumentParses()
    {
        var text = JUnitReport.Build(AwkwardReport()).ToString();
        var failure = XDocument.Parse(text).Descendants("failure").Single();
        Assert.Contains("\\u0000 end\\u0007", failure.Value);
        Assert.Contains("\ud83d\ude00", failure.Value); // a surrogate pair is text, kept as it is
    }

    [Fact]
    public async Task PytestReport_TextPythonCannotHoldAsIs_Compiles()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "test_awkward.py");
        var setup = new KernelSetup([directory.Path, "/a \"quoted\" path\\"], [new("--setup", "x = '''\nmulti\nline'''")]);
        PytestReport.Write(AwkwardReport(), setup, TimeSpan.FromSeconds(4), file);
        var compiled = await RunAsync(Python, directory.Path, "-c", "import sys; compile(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1], 'exec')", file);
        Assert.True(compiled.Exit == 0, compiled + "\n" + File.ReadAllText(file));
    }

    private static int Findings(string summary) => Regex.Matches(summary, @"^ +\d+\. \S+: format", RegexOptions.Multiline).Count;

    private static string[] Split(string arguments) =>
        [.. Regex.Matches(arguments, @"'([^']*)'|(\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)];

    private static Task<Outcome> CheckAsync(string directory, params string[] args) =>
        RunAsync("dotnet", directory, [Path.Combine(AppContext.BaseDirectory, "Bufferscope.Dashboard.dll"), CheckCommand.Mode, .. args]);

    /// <summary>Runs a program to its end (two minutes at most: then it and its children are killed and the test fails).</summary>
    private static async Task<Outcome> RunAsync(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment.Remove("BUFFERSCOPE_PYTHON"); // the default interpreter, which has numpy
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within 2 minutes: {new Outcome(-1, await stdout, await stderr)}");
        }
        return new Outcome(process.ExitCode, await stdout, await stderr);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("bufferscope-cli-test-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
