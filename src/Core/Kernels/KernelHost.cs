using System.Net.Sockets;
using System.Text.Json;
using Bufferscope.Core.Live;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The kernel process's main: <c>kernel --socket PATH --session ID --name NAME [--memory DIR]
/// [--ids-from N]</c>, with the server's options as JSON in <see cref="OptionsVariable"/>. Native
/// buffers are files in DIR (tmpfs) the server maps too; buffer ids start after N, a range the
/// server gives each kernel so ids name buffers across sessions. It starts Python exactly as Core
/// does in-process, makes the one session, connects to the server's socket, serves
/// <see cref="IKernel"/> and notifies every batch of its session's changes.
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
    private static readonly TimeSpan FinaliseGrace = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args)
    {
        var socketPath = Argument(args, "--socket");
        var sessionId = Argument(args, "--session");
        var name = Argument(args, "--name");
        if (socketPath is null || sessionId is null || name is null)
        {
            await Console.Error.WriteLineAsync("bufferscope kernel: usage: kernel --socket PATH --session ID --name NAME");
            return 5;
        }
        var memory = Argument(args, "--memory");
        Buffers.Exporter.IdBase = long.TryParse(Argument(args, "--ids-from"), out var idBase) ? idBase : 0;
        var options = Environment.GetEnvironmentVariable(OptionsVariable) is { Length: > 0 } json
            ? JsonSerializer.Deserialize<BufferscopeOptions>(json) ?? new BufferscopeOptions()
            : new BufferscopeOptions();

        BufferscopeCore core;
        try
        {
            core = BufferscopeCore.Start(options);
            if (memory is not null)
                core.Factory.NativeDirectory = Directory.CreateDirectory(memory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
            await core.Python.RunAsync(() => Interop.Py_DecRef(PythonRuntime.LoadModule("_bufferscope_kernel", "kernel.py"))).ConfigureAwait(false);
            await core.Sessions.CreateAsync(name, sessionId).ConfigureAwait(false);
        }
        catch (PythonStartException e)
        {
            await Console.Error.WriteLineAsync($"bufferscope kernel: cannot start Python: {e.Message}");
            return 2;
        }

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).ConfigureAwait(false);
        using var rpc = KernelRpc.Attach(socket, new KernelService(core, sessionId, () => stopping.TrySetResult()));
        using var subscription = core.Events.Subscribe(sessionId);
        rpc.StartListening();
        var forwarding = ForwardAsync(rpc, subscription);

        await Task.WhenAny(stopping.Task, rpc.Completion).ConfigureAwait(false);
        await core.Python.ShutdownAsync(FinaliseGrace).ConfigureAwait(false);
        subscription.Dispose();
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
