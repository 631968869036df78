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

        var (exit, stderr) = await RunServer(["--urls", $"http://127.0.0.1:{port}"]);

        Assert.Equal(3, exit);
        Assert.Contains($"bufferscope: cannot listen: Failed to bind to address http://127.0.0.1:{port}: address already in use.", stderr, StringComparison.Ordinal);
        Assert.Contains("--urls", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonMissing_ExitsWithOneClearLine()
    {
        var (exit, stderr) = await RunServer(["--urls", "http://127.0.0.1:0"], ("BUFFERSCOPE_PYTHON", "/nonexistent/python3"));

        Assert.Equal(2, exit);
        Assert.Contains("bufferscope: cannot start Python:", stderr, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/python3", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stderr)> RunServer(string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bufferscope.Dashboard.dll"));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var server = Process.Start(start)!;
        var stdout = server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await server.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill(entireProcessTree: true);
            throw new TimeoutException("the server did not exit within a minute: " + await stderr);
        }
        await stdout;
        return (server.ExitCode, await stderr);
    }
}
