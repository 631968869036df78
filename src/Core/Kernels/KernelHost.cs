using System.Net.Sockets;
using System.Text.Json;
using Bufferscope.Core.Live;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The kernel process's main: <c>kernel --socket PATH</c>, with the server's options as JSON in
/// <see cref="OptionsVariable"/>. It starts Python exactly as Core does in-process, connects to
/// the server's socket and serves <see cref="IKernel"/>; the server gives it its one session when
/// it needs one (<see cref="IKernel.OpenSessionAsync"/>: a warm kernel waits without), and from
/// then on it notifies every batch of that session's changes.
///
/// Lifetime: the kernel lives as long as its connection. When the server asks it to shut down,
/// or goes away (the socket closes, whatever killed the server), it finalises Python and exits;
/// finalisation a user's thread holds up gets <see cref="FinaliseGrace"/>, then the process exits
/// anyway. Exit codes: 0 after a shutdown, 2 when Python cannot start, 5 on bad arguments.
/// </summary>
public static class KernelHost
{
    public const string Mode = "kernel";
    public const string OptionsVariable = "BUFFERSCOPE_KERNEL_OPTIONS";
    /// <summary>The interpreter as the server probed it: the kernel need not run it again to ask.</summary>
    public const string PythonVariable = "BUFFERSCOPE_KERNEL_PYTHON";
    private static readonly TimeSpan FinaliseGrace = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args)
    {
        var socketPath = Argument(args, "--socket");
        if (socketPath is null)
        {
            await Console.Error.WriteLineAsync("bufferscope kernel: usage: kernel --socket PATH");
            return 5;
        }
        var options = Environment.GetEnvironmentVariable(OptionsVariable) is { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, KernelStartJson.Default.BufferscopeOptions) ?? new BufferscopeOptions()
            : new BufferscopeOptions();
        var installation = Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } probed
            ? JsonSerializer.Deserialize(probed, KernelStartJson.Default.PythonInstallation)
            : null;

        if (options.Kernels.MaxMemoryBytes > 0)
        {
            // Before Python starts, so every allocation of user code counts against it.
            var limit = new Native.LibC.RLimit { Current = (ulong)options.Kernels.MaxMemoryBytes, Maximum = (ulong)options.Kernels.MaxMemoryBytes };
            if (Native.LibC.setrlimit(Native.LibC.RLIMIT_DATA, limit) != 0)
                await Console.Error.WriteLineAsync($"bufferscope kernel: could not limit memory to {options.Kernels.MaxMemoryBytes} bytes (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }

        BufferscopeCore core;
        try
        {
            core = BufferscopeCore.Start(options, installation);
            // LoadModule returns a borrowed reference: sys.modules owns the module.
            await core.Python.RunAsync(() => Native.FaultRouter.Around(() => PythonRuntime.LoadModule("_bufferscope_kernel", "kernel.py"))).ConfigureAwait(false);
        }
        catch (PythonStartException e)
        {
            await Console.Error.WriteLineAsync($"bufferscope kernel: cannot start Python: {e.Message}");
            return 2;
        }

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).ConfigureAwait(false);
        EventSubscription? subscription = null;
        var forwarding = Task.CompletedTask;
        StreamJsonRpc.JsonRpc? attached = null;
        using var rpc = attached = KernelRpc.Attach(socket, new KernelService(core,
            opened: id =>
            {
                // Subscribed before the open call answers: no change of the session can be missed.
                subscription = core.Events.Subscribe(id);
                forwarding = ForwardAsync(attached!, subscription);
            },
            shutdown: () => stopping.TrySetResult()));
        rpc.StartListening();

        await Task.WhenAny(stopping.Task, rpc.Completion).ConfigureAwait(false);
        await core.Python.ShutdownAsync(FinaliseGrace).ConfigureAwait(false);
        subscription?.Dispose();
        await forwarding.ConfigureAwait(false);
        return 0;
    }

    /// <summary>Every batch of the session's changes, in order, as a notification the server need not answer.</summary>
    private static async Task ForwardAsync(StreamJsonRpc.JsonRpc rpc, EventSubscription subscription)
    {
        try
        {
            await foreach (var batch in subscription.ReadAllAsync().ConfigureAwait(false))
                await rpc.NotifyAsync(KernelRpc.ChangedMethod, batch).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StreamJsonRpc.ConnectionLostException or ObjectDisposedException)
        {
            // The server is gone: nobody is left to tell.
        }
    }

    private static string? Argument(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
