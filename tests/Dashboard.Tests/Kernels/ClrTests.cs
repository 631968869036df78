using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Bufferscope.Core;
using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Tests.Kernels;

/// <summary>
/// <c>import clr</c> in a session: pythonnet attaches to the kernel's own interpreter on first use
/// (DotnetBridge), .NET arrays come back to Python and export through the buffer protocol, kernels
/// that never import it never load it, the time limit still stops a run, and a kernel that used it
/// still ends by itself, with exit code 0, when its session goes.
/// </summary>
public sealed class ClrTests(ServerFixture server)
{
    private const string PythonnetAssembly = "Python.Runtime.dll";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool Maps(int pid, string file) => File.ReadLines($"/proc/{pid}/maps").Any(l => l.EndsWith("/" + file, StringComparison.Ordinal));

    [Fact]
    public async Task ImportClr_GivesDotnetArrays_WhoseMemoryPythonSeesThroughTheBufferProtocol()
    {
        var s = await server.NewSessionAsync("clr-arrays");

        var run = await server.RunAsync(s.Id, """
            import clr, os
            from System import Array, Double, Environment
            a = Array[Double]([1.5, 2.5])
            m = memoryview(a)
            m[1] = 7.0  # the view is the array's own memory: the write is the array's
            (list(a), a.Length, m.format, m.itemsize, m.shape, m.readonly, m.tolist(), Environment.ProcessId == os.getpid())
            """);

        Assert.Equal("([1.5, 7.0], 2, 'd', 8, (2,), False, [1.5, 7.0], True)", run.Result);
        Assert.Equal("2", (await server.RunAsync(s.Id, "import clr\nfrom System import Int32\nInt32.Parse('2')")).Result);
        await server.Http.DeleteAsync($"/api/sessions/{s.Id}?force=true", Ct);
    }

    [Fact]
    public async Task DotnetExceptions_ThrownOrTrappedByTheProcessor_AreCatchable_AndACrashInCStillEndsTheKernel()
    {
        var s = await server.NewSessionAsync("clr-exceptions");

        // Thrown by code, and raised from a hardware trap (a null dereference, an integer division
        // by zero), which reach .NET only through the kernel's fault router: many of each, on the
        // Python thread and on threads, with collections between, and the kernel carries on.
        var run = await server.RunAsync(s.Id, """
            import clr, gc, threading
            from System import GC, Func, Int32, Math, String
            from System.Collections.Generic import Dictionary
            from System.Linq.Expressions import Expression
            length_of_null = Expression.Lambda[Func[Int32]](Expression.Property(Expression.Constant(None, clr.GetClrType(String)), "Length")).Compile()
            tries = [lambda: Dictionary[String, String]().Add(None, "x"), length_of_null, lambda: Math.DivRem(Int32(1), Int32(0))]
            def caught(attempt):
                try:
                    attempt()
                except Exception as e:
                    return type(e).__name__
            names = set()
            for i in range(600):
                names.add(caught(tries[i % 3]))
                if i % 100 == 0:
                    gc.collect(); GC.Collect()
            on_threads = []
            threads = [threading.Thread(target=lambda: on_threads.append(caught(length_of_null))) for _ in range(4)]
            [t.start() for t in threads]; [t.join() for t in threads]
            sorted(names), on_threads
            """);
        Assert.Equal("(['ArgumentNullException', 'DivideByZeroException', 'NullReferenceException'], ['NullReferenceException', 'NullReferenceException', 'NullReferenceException', 'NullReferenceException'])", run.Result);
        // Later runs find the kernel whole (a router that installed itself with other signal flags
        // than .NET's left it corrupt: the next run or the one after died in free() or the GC).
        Assert.Equal("'DivideByZeroException'", (await server.RunAsync(s.Id, "caught(tries[2])")).Result);
        Assert.Equal("b'\\x00\\x01'", (await server.RunAsync(s.Id, "import bufferscope\nbytes(bufferscope.MemBuf([2], 'B', fill='ramp'))")).Result);

        // A fault in C code is still faulthandler's: the Python traceback, once, and the kernel ends.
        var crash = await ServerFixture.RunAsync(server.Http, s.Id, "import gc, ctypes\ngc.collect()\nctypes.string_at(0)", mustSucceed: false);
        Assert.Equal("kernel died: SIGSEGV (signal 11) while running line 3 of In [4]", crash.Error?.Message);
        Assert.Contains("in string_at", crash.Error!.Traceback);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(crash.Error.Traceback!, "Fatal Python error"));
        await server.Http.DeleteAsync($"/api/sessions/{s.Id}?force=true", Ct);
    }

    [Fact]
    public async Task Pythonnet_IsLoadedOnlyInKernelsThatImportClr()
    {
        var never = await server.NewSessionAsync("clr-never");
        var used = await server.NewSessionAsync("clr-used");
        // Finding the module is not importing it: only the import attaches.
        Assert.Equal("('pythonnet', False)", (await server.RunAsync(never.Id, "import importlib.util, sys\nimportlib.util.find_spec('clr').origin, 'clr' in sys.modules")).Result);
        await server.RunAsync(used.Id, "import clr");

        Assert.False(Maps(never.Kernel!.Pid!.Value, PythonnetAssembly), $"{PythonnetAssembly} is mapped in a kernel that never imported clr");
        Assert.True(Maps(used.Kernel!.Pid!.Value, PythonnetAssembly), $"{PythonnetAssembly} is not mapped in the kernel that imported clr");
        await server.Http.DeleteAsync($"/api/sessions/{never.Id}?force=true", Ct);
        await server.Http.DeleteAsync($"/api/sessions/{used.Id}?force=true", Ct);
    }

    [Fact]
    public async Task DeletingASession_ThatUsedClr_EndsItsKernelByItself_AfterPythonFinalised()
    {
        var s = await server.NewSessionAsync("clr-delete");
        var pid = s.Kernel!.Pid!.Value;
        var marker = Path.Combine(Path.GetTempPath(), $"bufferscope-clr-atexit-{Guid.NewGuid():n}");
        // atexit runs inside Py_FinalizeEx: the marker says Python was finalised on its thread.
        await server.RunAsync(s.Id, $"import clr, atexit\nfrom System import Array, Double\na = Array[Double]([1.0])\natexit.register(lambda: open({ToPython(marker)}, 'w').write('finalised'))");
        try
        {
            var clock = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.NoContent, (await server.Http.DeleteAsync($"/api/sessions/{s.Id}", Ct)).StatusCode);

            // The server waits 3 s for a kernel to end by itself before it kills it; the delete answers once it has ended.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the delete took {clock.Elapsed}: the kernel did not end by itself");
            Assert.False(File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ"), $"kernel {pid} still runs");
            Assert.Equal("finalised", File.ReadAllText(marker));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    /// <summary>
    /// The exit code is only seen by whoever started the process, so this drives a kernel process
    /// the way the server does. pythonnet's own exit handler crashed (after finalisation) or hung
    /// (a thread holding the GIL) such kernels; these must exit 0, not be killed.
    /// </summary>
    [Theory]
    [InlineData("idle", "1")]
    [InlineData("a thread holds the GIL", "import threading, ctypes, time\nthreading.Thread(target=lambda: (time.sleep(0.3), ctypes.PyDLL(None).sleep(30)), daemon=True).start()")]
    public async Task KernelThatUsedClr_ExitsWithCodeZero_WhenAskedToShutDown(string when, string code)
    {
        var run = Directory.CreateTempSubdirectory("bufferscope-clr-").FullName;
        var command = KernelCommand.ForAssembly(typeof(DashboardWebApplication).Assembly.Location);
        var options = new BufferscopeOptions { Python = new Core.Python.PythonOptions().WithEnvironment() }; // BUFFERSCOPE_PYTHON, as the server reads it
        var kernel = await KernelProcess.StartAsync(command, run, options, cancellationToken: Ct);
        try
        {
            await kernel.Kernel.OpenSessionAsync(Guid.NewGuid().ToString("n")[..12], "clr-exit", memoryDirectory: null, idsFrom: 0, Ct);
            var used = await kernel.RunAsync("import clr\nfrom System import Array, Double\na = Array[Double]([1.0, 2.0])\nlist(a)", 1, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), Ct);
            Assert.True(used.Ok, used.Error?.Traceback);
            var last = await kernel.RunAsync(code, 2, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), Ct);
            Assert.True(last.Ok, last.Error?.Traceback);
            await Task.Delay(500, Ct); // the thread, if any, now holds the GIL
        }
        finally
        {
            await kernel.DisposeAsync(); // asks the kernel to shut down; kills it if it has not ended within 3 s
            Directory.Delete(run, recursive: true);
        }

        var exit = await kernel.Exited;
        Assert.True(exit.Code == 0, $"{when}: {exit.Reason}\n{kernel.OutputTail}");
        Assert.Equal("exited", exit.Reason);
    }

    [Fact]
    public async Task TimeLimit_StillInterruptsSleep_AfterClr()
    {
        // 4 s: loading pythonnet (import clr) takes a second or two, and this first import failed once under a 2 s limit on a loaded 2-core run.
        await using var limited = await TestServer.StartAsync("--Bufferscope:Python:RunTimeout=00:00:04");
        using var http = limited.Client();
        var created = await http.PostAsJsonAsync("/api/sessions", new { name = "clr-limit" }, Ct);
        var s = (await created.Content.ReadFromJsonAsync<SessionDto>(ServerFixture.Json, Ct))!;
        async Task<RunResponse> Run(string code) =>
            (await (await http.PostAsJsonAsync($"/api/sessions/{s.Id}/run", new { code }, Ct)).Content.ReadFromJsonAsync<RunResponse>(ServerFixture.Json, Ct))!;
        var loaded = await Run("import clr\nfrom System import Array, Double\na = Array[Double]([1.0])");
        Assert.True(loaded.Ok, $"{loaded.Error?.Type}: {loaded.Error?.Message} after {loaded.DurationMs} ms");

        var clock = Stopwatch.StartNew();
        var run = await Run("import time\nwhile True:\n    time.sleep(0.5)");

        Assert.True(run.TimedOut);
        Assert.Equal("KeyboardInterrupt", run.Error?.Type);
        Assert.InRange(clock.Elapsed.TotalSeconds, 3.8, 10);
        Assert.Equal("(2, [1.0])", (await Run("1 + 1, list(a)")).Result);
    }

    [Fact]
    public async Task ImportClr_FirstFromAThread_IsAnImportErrorSayingWhy_AndTheConsoleCanStillImportIt()
    {
        var s = await server.NewSessionAsync("clr-thread");

        var run = await server.RunAsync(s.Id, """
            import threading
            seen = []
            def first():
                try:
                    import clr
                except ImportError as e:
                    seen.append(str(e))
            t = threading.Thread(target=first)
            t.start(); t.join()
            seen
            """);

        Assert.Equal("['import clr: pythonnet attaches only on the thread that runs snippets; import clr in a snippet first, then threads can use it']", run.Result);
        Assert.Equal("['System']", (await server.RunAsync(s.Id, "import clr\nfrom System import String\nt = threading.Thread(target=lambda: seen.append(str(String('System'))))\nt.start(); t.join()\nseen[1:]")).Result);
        await server.Http.DeleteAsync($"/api/sessions/{s.Id}?force=true", Ct);
    }

    private static string ToPython(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
