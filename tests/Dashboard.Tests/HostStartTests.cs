using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// The server as a user starts it, as its own process: what it says and how it exits when it
/// cannot start.
/// </summary>
public sealed class HostStartTests
{
    [Fact]
    public async Task PortInUse_ExitsWithOneClearLine_NotACrash()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, output) = await RunServer(["--urls", $"http://127.0.0.1:{port}"]);

        Assert.Equal(3, exit);
        // The last line a user sees (stdout and stderr together, as in a terminal) is ours.
        var last = output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith($"bufferscope: cannot listen: Failed to bind to address http://127.0.0.1:{port}: address already in use.", last, StringComparison.Ordinal);
        Assert.Contains("--urls", last, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonMissing_ExitsWithOneClearLine()
    {
        var (exit, output) = await RunServer(["--urls", "http://127.0.0.1:0"], ("BUFFERSCOPE_PYTHON", "/nonexistent/python3"));

        Assert.Equal(2, exit);
        var last = output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("bufferscope: cannot start Python:", last, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/python3", last, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the server to its exit; stdout and stderr come back in one stream, in order, as a terminal shows them.</summary>
    private static async Task<(int Exit, string Output)> RunServer(string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "exec \"$0\" \"$@\" 2>&1", "dotnet", Path.Combine(AppContext.BaseDirectory, "Bufferscope.Dashboard.dll") }.Concat(args))
            start.ArgumentList.Add(a);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var server = Process.Start(start)!;
        var output = server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await server.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill(entireProcessTree: true);
            throw new TimeoutException("the server did not exit within a minute: " + await output);
        }
        return (server.ExitCode, await output);
    }
}
