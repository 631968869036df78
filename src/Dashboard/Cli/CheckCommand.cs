using System.Runtime.InteropServices;
using Bufferscope.Core;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Python;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// <c>check</c>: one check from the command line, for CI pipelines. No web server: the command
/// starts its kernels itself (this executable in its kernel role, on --python), sets each one up
/// (<see cref="KernelSetup"/>), runs a <see cref="CheckRun"/> with progress on stderr, then prints the
/// summary on stdout and writes the reports asked for.
///
/// Exit status: <see cref="NoFindings"/> (refusals are allowed, not findings), <see cref="Findings"/>,
/// <see cref="Error"/> for a usage error or a check that could not run (what is wrong and what is
/// allowed on stderr), <see cref="Interrupted"/> after SIGINT or SIGTERM, which cancel the run
/// (its kernels end) and still write what was found so far. The kernels' sockets and the progress
/// file live in a <see cref="ScratchDirectory"/> removed at the end, however the check ended.
/// </summary>
public static class CheckCommand
{
    public const string Mode = "check";
    public const int NoFindings = 0;
    public const int Findings = 1;
    public const int Error = 2;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(string[] args)
    {
        CheckArguments arguments;
        CheckRequest request;
        try
        {
            arguments = CheckArguments.Parse(args);
            if (arguments.Help)
            {
                Console.Out.Write(CheckArguments.Usage);
                return NoFindings;
            }
            try { request = arguments.Request().Validated(); }
            catch (BufferSpecException e) { throw new UsageException($"{arguments.FlagOf(e.ParamName)}: {e.Detail}"); }
        }
        catch (UsageException e)
        {
            return Fail($"{e.Message}\nSee: check --help");
        }

        var options = Options();
        var python = arguments.Python ?? options.Python.Executable;
        PythonInstallation installation;
        try { installation = PythonInstallation.Probe(python); }
        catch (PythonStartException e) { return Fail($"--python: {e.Message}"); }

        var run = new CheckRun(Guid.NewGuid().ToString("n")[..12], "cli", request);
        using var scratch = ScratchDirectory.Create();
        var launcher = new LocalKernelLauncher(KernelCommand.ForAssembly(typeof(CheckCommand).Assembly.Location), scratch.Path, options);
        var setup = new KernelSetup([Environment.CurrentDirectory, .. arguments.Paths], arguments.Setup);
        var progress = new ProgressLine(Console.Error, terminal: !Console.IsErrorRedirected);
        run.Progressed += progress.Show;
        var interrupted = false;
        void Cancel(PosixSignalContext signal)
        {
            // The first signal cancels (the kernels end, the reports are written); a second one ends the process at once.
            signal.Cancel = !interrupted;
            interrupted = true;
            run.Cancel();
        }
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel))
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel))
        {
            run.Start(new CheckKernel(cancel => setup.StartAsync(launcher, installation, options.Kernels.KillGrace, cancel),
                request.Target!, request.Reference, Path.Combine(scratch.Path, "check.progress"),
                TimeSpan.FromMilliseconds(request.CaseTimeoutMs), options.Kernels.KillGrace, request.Mode!));
            await run.Completion.ConfigureAwait(false);
        }
        progress.End();

        var report = run.Report();
        if (report.State != CheckStates.Failed)
            Console.Out.Write(CheckSummary.Text(report));
        try
        {
            if (arguments.JUnit is { } junit)
            {
                JUnitReport.Write(report, junit);
                Console.Out.WriteLine($"JUnit XML: {junit}");
            }
            if (arguments.Pytest is { } pytest && report.State != CheckStates.Failed)
            {
                PytestReport.Write(report, setup, TimeSpan.FromMilliseconds(request.CaseTimeoutMs) + options.Kernels.KillGrace, pytest);
                Console.Out.WriteLine($"pytest reproductions: {pytest}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"could not write a report: {e.Message}");
        }
        // Interrupted first: a signal during a kernel's start can end the run as failed rather than cancelled.
        if (interrupted || report.State == CheckStates.Cancelled)
        {
            Console.Error.WriteLine("bufferscope check: interrupted; the summary and reports hold what was found so far");
            return Interrupted;
        }
        if (report.State == CheckStates.Failed)
            return Fail($"the check could not run: {report.Error}");
        return report.FindingCount == 0 ? NoFindings : Findings;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"bufferscope check: {message}");
        return Error;
    }

    /// <summary>The server's own settings (appsettings.json beside this executable, then the environment), so a check runs on the interpreter and limits the server would.</summary>
    private static BufferscopeOptions Options()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = new BufferscopeOptions();
        configuration.GetSection(BufferscopeOptions.Section).Bind(options);
        options.Python.WithEnvironment();
        return options;
    }
}
