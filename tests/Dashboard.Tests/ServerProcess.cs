using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// The server as a user starts it: its own process (<c>dotnet Bufferscope.Dashboard.dll</c>),
/// stdout and stderr read as one stream in order, as a terminal shows them. <see cref="StartAsync"/>
/// waits for the start line and takes the URL to open from it; disposing stops the process
/// (SIGTERM, then a kill) and removes its data directory.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];

    private ServerProcess(IEnumerable<string> args, IEnumerable<(string Name, string Value)> environment)
    {
        DataDirectory = TestServer.NewDataDirectory();
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "exec \"$0\" \"$@\" 2>&1", "dotnet", Path.Combine(AppContext.BaseDirectory, "Bufferscope.Dashboard.dll"),
                     "--Logging:LogLevel:Default=Warning", $"--Bufferscope:DataDirectory={DataDirectory}" }.Concat(args))
            start.ArgumentList.Add(a);
        start.Environment.Remove("BUFFERSCOPE_TOKEN");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        _process = Process.Start(start)!;
        _reading = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                    foreach (var w in _awaited.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
                    {
                        _awaited.Remove(w);
                        w.Seen.TrySetResult();
                    }
                }
                if (StartLine().Match(line) is { Success: true } m)
                    _started.TrySetResult(m.Groups[1].Value);
            }
            _started.TrySetException(new InvalidOperationException("the server ended without its start line:\n" + Output));
        });
    }

    public string DataDirectory { get; }
    public int Id => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Waits until a line of output contains <paramref name="text"/> (at once if one has): the
    /// server logs on its own threads, so a line can come after the change it reports is seen.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
                return;
            _awaited.Add((text, seen));
        }
        try { await seen.Task.WaitAsync(timeout, TestContext.Current.CancellationToken); }
        catch (TimeoutException) { throw new TimeoutException($"no line with '{text}' within {timeout.TotalSeconds} s:\n{Output}"); }
    }

    /// <summary>The URL the start line says to open (with its token when the token was generated).</summary>
    public string Url { get; private set; } = "";

    public Uri BaseAddress => new(new Uri(Url).GetLeftPart(UriPartial.Authority));

    /// <summary>The token in the printed URL.</summary>
    public string Token => System.Web.HttpUtility.ParseQueryString(new Uri(Url).Query)["token"] ?? "";

    [GeneratedRegex(@"^Bufferscope is running\. Open (\S+)")]
    private static partial Regex StartLine();

    public static async Task<ServerProcess> StartAsync(string[] args, params (string Name, string Value)[] environment)
    {
        var server = new ServerProcess(["--urls", "http://127.0.0.1:0", .. args], environment);
        try
        {
            server.Url = await server._started.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a server that is expected not to start, to its exit.</summary>
    public static async Task<(int Exit, string Output)> RunToExitAsync(string[] args, params (string Name, string Value)[] environment)
    {
        await using var server = new ServerProcess(args, environment);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await server._process.WaitForExitAsync(timeout.Token);
            await server._reading;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the server did not exit within a minute: " + server.Output);
        }
        return (server._process.ExitCode, server.Output);
    }

    /// <summary>Resident memory of the server process, in bytes (VmRSS).</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill(_process.Id, 15); // SIGTERM: the server stops as on Ctrl+C, finalising Python
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await _process.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        await _reading;
        _process.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
