using Bufferscope.Core.Buffers;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Python;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// What every kernel of a command-line check runs before its target is resolved: first the
/// directories modules come from, put at the front of sys.path (the current directory, then each
/// --path), then each --import, --setup and --setup-file as given. The kernel runs Python isolated
/// (no PYTHONPATH, no script directory on sys.path), so without the first step a module beside
/// the user's files would not import. A kernel started again after a crash runs it all again.
/// </summary>
public sealed class KernelSetup(IReadOnlyList<string> directories, IReadOnlyList<KernelSetup.Step> steps)
{
    /// <summary>One piece of setup: the flag it came from (what an error names) and its code.</summary>
    public sealed record Step(string Source, string Code);

    /// <summary>A console run's time limit is for typed snippets; importing a large library can take longer.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The directories put first on sys.path, in order.</summary>
    public IReadOnlyList<string> Directories => directories;

    public IReadOnlyList<Step> Steps => steps;

    /// <summary>The code that puts <see cref="Directories"/> first on sys.path.</summary>
    public string PathCode => $"import sys\nsys.path[:0] = [{string.Join(", ", directories.Select(PythonLiteral.Of))}]";

    /// <summary>
    /// A started kernel with its session open and every step run. A step that fails fails the
    /// check: <see cref="BufferSpecException"/>, whose detail the check reports as its error (as
    /// for a target that does not resolve), naming the step, the error and, for an import, where
    /// Python looked.
    /// </summary>
    public async Task<IKernelHandle> StartAsync(IKernelLauncher launcher, PythonInstallation python, TimeSpan killGrace, CancellationToken cancellationToken)
    {
        var kernel = await launcher.StartAsync(python, cancellationToken).ConfigureAwait(false);
        try
        {
            await kernel.Kernel.OpenSessionAsync($"check-{Guid.NewGuid():n}", "bufferscope check", null, 0, cancellationToken).ConfigureAwait(false);
            var runs = new List<Step> { new("--path", PathCode) };
            runs.AddRange(steps);
            for (var n = 0; n < runs.Count; n++)
            {
                var result = await kernel.RunAsync(runs[n].Code, n + 1, StepTimeout, killGrace, cancellationToken).ConfigureAwait(false);
                if (!result.Ok)
                    throw new BufferSpecException("setup", Failure(runs[n], result.Error, result.TimedOut));
            }
            return kernel;
        }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string Failure(Step step, Core.Sessions.ConsoleError? error, bool timedOut)
    {
        if (timedOut)
            return $"setup failed: {step.Source} still ran after {StepTimeout.TotalSeconds:0} s";
        var what = error is null ? "it failed" : $"{error.Type}: {error.Message}";
        if (error?.Type is "ModuleNotFoundError")
            return $"setup failed: {step.Source}: {what}. Python looked in {string.Join(", ", directories)} (the current directory and each --path DIR), " +
                "then the interpreter's own paths; PYTHONPATH does not reach the kernel, which runs Python isolated: add --path DIR for a module of yours, " +
                "or give --python an interpreter (a virtual environment's bin/python) that has it installed";
        var traceback = string.IsNullOrWhiteSpace(error?.Traceback) ? "" : "\n" + error!.Traceback.TrimEnd();
        return $"setup failed: {step.Source}: {what}{traceback}";
    }
}
