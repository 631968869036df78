using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bufferscope.Core.Live;
using Bufferscope.Core.Python;
using Bufferscope.Core.Sessions;
using StreamJsonRpc;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The server's handle on one kernel process (never <c>fork()</c>: <see cref="Process"/> starts it).
///
/// Lifetime rules:
/// - The server listens on a fresh socket in its run directory (0700), starts the kernel with its
///   path, accepts exactly one connection and deletes the socket file: nobody else can reach it.
/// - The kernel leads a process group of its own; when it ends, the rest of the group (whatever
///   its user code forked) is killed with it.
/// - <see cref="Exited"/> completes once the process has ended and its stdout and stderr are read
///   to the end, so the crash report (faulthandler's traceback) is whole when it is told.
/// - A call in flight when the kernel dies fails with <see cref="ConnectionLostException"/>;
///   <see cref="RunAsync"/> turns that, and a run that outlives its limit and the kill grace, into
///   a result that says what happened, never an exception.
/// - Disposing asks the kernel to shut down, waits a little, then kills it: no kernel outlives it.
/// </summary>
public sealed partial class KernelProcess : IKernelHandle
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);
    private readonly Process _process;
    private readonly OutputTail _output = new(200);
    private readonly TaskCompletionSource<KernelExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonRpc? _rpc;
    private volatile string? _killedBecause;

    private KernelProcess(Process process) => _process = process;

    public IKernel Kernel { get; private set; } = null!;
    public KernelHello Hello { get; private set; } = null!;
    public int Pid => _process.Id;

    /// <summary>Completes when the process has ended, with how.</summary>
    public Task<KernelExit> Exited => _exited.Task;

    /// <summary>The last lines the kernel wrote to stdout and stderr (where faulthandler writes).</summary>
    public string OutputTail => _output.Text;

    /// <summary>Each batch of the session's changes, in order, on the RPC's thread.</summary>
    public event Action<IReadOnlyList<BufferEvent>>? Changed;

    /// <summary>
    /// Starts a kernel without a session (<see cref="IKernel.OpenSessionAsync"/> gives it one), on
    /// <paramref name="python"/> as the server probed it, or else the options' interpreter (which
    /// the kernel probes).
    /// </summary>
    public static async Task<KernelProcess> StartAsync(KernelCommand command, string runDirectory, BufferscopeOptions options, PythonInstallation? python = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(runDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var socketPath = Path.Combine(runDirectory, $"k-{Guid.NewGuid().ToString("n")[..12]}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);

        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // never the server's terminal
            UseShellExecute = false,
        };
        foreach (var a in command.Arguments.Concat(["--socket", socketPath]))
            start.ArgumentList.Add(a);
        var settings = JsonSerializer.SerializeToNode(options, KernelStartJson.Default.BufferscopeOptions)!;
        settings[nameof(BufferscopeOptions.AccessToken)] = null;
        if (python is not null)
        {
            settings[nameof(BufferscopeOptions.Python)]![nameof(PythonOptions.Executable)] = python.Executable;
            start.Environment[KernelHost.PythonVariable] = JsonSerializer.Serialize(python, KernelStartJson.Default.PythonInstallation);
        }
        start.Environment[KernelHost.OptionsVariable] = settings.ToJsonString();
        start.Environment.Remove("BUFFERSCOPE_TOKEN"); // user code runs there: it has no use for the server's secret
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var kernel = new KernelProcess(process);
        try
        {
            process.Start();
            process.StandardInput.Close();
            kernel.WatchExit();

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            var accepting = listener.AcceptAsync(timeout.Token).AsTask();
            if (await Task.WhenAny(accepting, kernel.Exited).ConfigureAwait(false) != accepting)
                throw new KernelStartException($"the kernel ended before it connected: {(await kernel.Exited.ConfigureAwait(false)).Reason}\n{kernel.OutputTail}");
            var socket = await accepting.ConfigureAwait(false);
            File.Delete(socketPath);

            var rpc = KernelRpc.Attach(socket);
            rpc.AddLocalRpcMethod(KernelRpc.ChangedMethod, (IReadOnlyList<BufferEvent> batch) => kernel.Changed?.Invoke(batch));
            kernel._rpc = rpc;
            kernel.Kernel = new RemoteKernel(rpc.Attach<IKernel>());
            rpc.StartListening();
            var hello = kernel.Kernel.HelloAsync(timeout.Token);
            if (await Task.WhenAny(hello, kernel.Exited).ConfigureAwait(false) != hello)
                throw new KernelStartException($"the kernel ended while starting Python: {(await kernel.Exited.ConfigureAwait(false)).Reason}\n{kernel.OutputTail}");
            kernel.Hello = await hello.ConfigureAwait(false);
            return kernel;
        }
        catch (Exception e) when (e is not KernelStartException)
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw new KernelStartException($"the kernel did not start: {e.Message}\n{kernel.OutputTail}", e);
        }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    private void WatchExit()
    {
        var stdout = _output.ReadAsync(_process.StandardOutput);
        var stderr = _output.ReadAsync(_process.StandardError);
        _ = Task.Run(async () =>
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            // What the kernel's code forked dies with it; it also holds the output pipes open.
            KillGroup();
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            var because = _killedBecause;
            _exited.TrySetResult(KernelExit.From(_process.ExitCode, _output.Text, because is null ? null : $"killed: {because}"));
        });
    }

    /// <summary>
    /// Runs a snippet. The kernel interrupts it at <paramref name="limit"/> itself; one still running
    /// <paramref name="killGrace"/> later ignored the interrupt, and its kernel is killed. A kernel
    /// that dies meanwhile is reported as the run's error, <c>KernelDied</c>, with faulthandler's
    /// traceback and the last of its output.
    /// </summary>
    public async Task<ConsoleResult> RunAsync(string code, long n, TimeSpan limit, TimeSpan killGrace, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var call = Kernel.RunAsync(code, n, cancellationToken);
        var deadline = Task.Delay(limit + killGrace, cancellationToken);
        var first = await Task.WhenAny(call, deadline, Exited).ConfigureAwait(false);
        if (first == call && !call.IsFaulted)
            return await call.ConfigureAwait(false);
        if (first == deadline && !call.IsCompleted)
            Kill("ignored the interrupt");
        else if (first == call && call.Exception?.InnerException is not ConnectionLostException)
            return await call.ConfigureAwait(false); // an error of the call itself: let it be seen
        var exit = await Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        var line = ConsoleLine().Matches(OutputTail) is { Count: > 0 } lines ? $" while running line {lines[^1].Groups[2].Value} of {lines[^1].Groups[1].Value}" : "";
        var what = exit.Reason.StartsWith("killed:", StringComparison.Ordinal) ? exit.Reason : $"kernel died: {exit.Reason}{line}";
        return new ConsoleResult(false, "", "", null, new ConsoleError("KernelDied", what, OutputTail), Math.Round(clock.Elapsed.TotalMilliseconds, 3), first == deadline);
    }

    [GeneratedRegex("File \"(In \\[[0-9]+\\])\", line ([0-9]+)")]
    private static partial Regex ConsoleLine();

    /// <summary>Ends the process now; <see cref="Exited"/> then says <c>killed: </c><paramref name="because"/>.</summary>
    public void Kill(string because)
    {
        _killedBecause ??= because;
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already gone
        KillGroup();
    }

    /// <summary>
    /// Everything left in the kernel's process group: what its user code forked (an orphan once the
    /// kernel is gone, so not in its process tree). The group outlives its leader while any member does.
    /// </summary>
    private void KillGroup()
    {
        try { Native.LibC.kill(-_process.Id, Native.LibC.SIGKILL); }
        catch (InvalidOperationException) { } // never started
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted && _rpc is { IsDisposed: false } && Kernel is not null)
        {
            try { await Kernel.ShutdownAsync(CancellationToken.None).WaitAsync(ShutdownGrace).ConfigureAwait(false); }
            catch (Exception e) when (e is ConnectionLostException or TimeoutException or RemoteInvocationException or ObjectDisposedException) { }
        }
        try { await Exited.WaitAsync(ShutdownGrace).ConfigureAwait(false); }
        catch (TimeoutException) { Kill("did not shut down"); }
        try { await Exited.WaitAsync(ShutdownGrace).ConfigureAwait(false); }
        catch (TimeoutException) { } // the kernel could not be reaped: nothing more can be done from here
        KillGroup();
        _rpc?.Dispose();
        _process.Dispose();
    }
}
