using System.Diagnostics;
using Bufferscope.Core;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Live;

namespace Bufferscope.Dashboard.Tests.Kernels;

/// <summary>
/// Real kernel processes (this project's server executable in its kernel role) driven over their
/// socket: what they run, how a crash, an exit or an ignored interrupt is reported, and that one
/// kernel's trouble is no other's. Every kernel is disposed, so no process outlives its test.
/// </summary>
public sealed class KernelProcessTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _run = Directory.CreateTempSubdirectory("bufferscope-kernels-").FullName;
    private readonly List<KernelProcess> _kernels = [];

    private async Task<KernelProcess> StartAsync(string name = "k", BufferscopeOptions? options = null)
    {
        var command = KernelCommand.ForAssembly(typeof(DashboardWebApplication).Assembly.Location);
        var kernel = await KernelProcess.StartAsync(command, _run, options ?? new BufferscopeOptions(), cancellationToken: Ct);
        _kernels.Add(kernel);
        await kernel.Kernel.OpenSessionAsync(Guid.NewGuid().ToString("n")[..12], name, memoryDirectory: null, idsFrom: 0, Ct);
        return kernel;
    }

    private static long s_runs;

    private static Task<Core.Sessions.ConsoleResult> Run(KernelProcess kernel, string code, double limitSeconds = 10, double graceSeconds = 2) =>
        kernel.RunAsync(code, Interlocked.Increment(ref s_runs), TimeSpan.FromSeconds(limitSeconds), TimeSpan.FromSeconds(graceSeconds), Ct);

    [Fact]
    public async Task Kernel_RunsInItsOwnProcess_WithItsOwnInterpreter()
    {
        var kernel = await StartAsync();

        Assert.NotEqual(Environment.ProcessId, kernel.Hello.Pid);
        Assert.StartsWith("3.", kernel.Hello.PythonVersion);
        var run = await Run(kernel, "import os\nos.getpid()");
        Assert.True(run.Ok, run.Error?.Traceback);
        Assert.Equal(kernel.Hello.Pid.ToString(), run.Result);
        Assert.Equal("2", (await Run(kernel, "1 + 1")).Result);
    }

    public static TheoryData<string> Interpreters() => [.. PythonBuilds.Present()];

    [Theory]
    [MemberData(nameof(Interpreters))]
    public async Task Kernel_OnEachInterpreterPresent_ReportsItsVersion_AndExportsAsTheReferenceDoes(string python)
    {
        var kernel = await StartAsync(options: new BufferscopeOptions { Python = new Core.Python.PythonOptions { Executable = python } });
        var probed = Core.Python.PythonInstallation.Probe(python);

        Assert.Equal(probed.Version.ToString(), kernel.Hello.PythonVersion);
        Assert.Equal(probed.Library, kernel.Hello.PythonLibrary);
        // The same request answered by CPython's own reference exporter and by a MemBuf of the same layout.
        var run = await Run(kernel, """
            import sys, _testbuffer, bufferscope
            flags = _testbuffer.PyBUF_STRIDES | _testbuffer.PyBUF_FORMAT
            ours = memoryview(_testbuffer.ndarray(bufferscope.MemBuf(shape=(3, 4), format='<i', order='F'), getbuf=flags))
            ref = memoryview(_testbuffer.ndarray(list(range(12)), shape=[3, 4], format='<i', flags=_testbuffer.ND_FORTRAN))
            (sys.version.split()[0], ours.format, ours.shape, ours.strides, ref.strides)
            """);
        Assert.True(run.Ok, run.Error?.Traceback);
        Assert.Equal($"('{probed.Version}', '<i', (3, 4), (4, 12), (4, 12))", run.Result);
    }

    [Fact]
    public async Task Buffers_AndTheirEvents_CrossTheSocket()
    {
        var kernel = await StartAsync();
        var created = new TaskCompletionSource<BufferEvent>();
        kernel.Changed += batch => { foreach (var e in batch) if (e.Kind == BufferEventKind.BufferCreated) created.TrySetResult(e); };

        var buffer = await kernel.Kernel.CreateBufferAsync(new BufferSpec { Name = "frame", Format = "<d", Shape = [3, 4], Fill = new FillSpec { Kind = "ramp" } }, Ct);

        Assert.Equal([3L, 4L], buffer.Shape);
        Assert.Equal("frame", (await created.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct)).BufferName);
        Assert.Equal("11.0", (await Run(kernel, "float(memoryview(frame).cast('B').cast('d')[11])")).Result);
        var bytes = await kernel.Kernel.ReadMemoryAsync(buffer.Id, 8, 8, Ct);
        Assert.Equal(1.0, BitConverter.ToDouble(bytes));
    }

    public static readonly TheoryData<string, string, string> Deaths = new()
    {
        { "import ctypes\nctypes.string_at(0)", "kernel died: SIGSEGV (signal 11) while running line 2", "Fatal Python error: Segmentation fault" },
        { "import os\nos._exit(3)", "kernel died: exited with code 3", "" },
        { "import os\nos.abort()", "kernel died: SIGABRT (signal 6)", "" },
    };

    [Theory]
    [MemberData(nameof(Deaths))]
    public async Task Death_IsTheRunsResult_WithHowItDied(string code, string message, string output)
    {
        var kernel = await StartAsync();

        var run = await Run(kernel, code);

        Assert.False(run.Ok);
        Assert.Equal("KernelDied", run.Error!.Type);
        Assert.True(run.Error.Message.StartsWith(message, StringComparison.Ordinal), run.Error.Message + "\n---\n" + run.Error.Traceback);
        Assert.Contains(output, run.Error.Traceback);
        Assert.True(kernel.Exited.IsCompleted);
    }

    /// <summary>The kernel's own start-up module was once decref'd one time too many: freed while sys.modules still held it, the next full collection crashed (3.11).</summary>
    [Fact]
    public async Task FullCollection_LeavesTheKernelRunning()
    {
        var kernel = await StartAsync();

        var run = await Run(kernel, "import gc, sys\ngc.collect()\ntype(sys.modules['_bufferscope_kernel']).__name__");

        Assert.True(run.Ok, run.Error?.Message + "\n" + run.Error?.Traceback);
        Assert.Equal("'module'", run.Result);
        Assert.Equal("2", (await Run(kernel, "1 + 1")).Result);
    }

    [Fact]
    public async Task Segfault_ReportsTheSignalAndTheLineFromFaulthandler()
    {
        var kernel = await StartAsync("crashy");

        var run = await Run(kernel, "x = 1\nimport ctypes; ctypes.string_at(0)");

        var exit = await kernel.Exited;
        Assert.NotNull(exit.Signal);
        Assert.Matches(@"while running line 2 of In \[\d+\]$", run.Error!.Message);
        Assert.Matches(@"File ""In \[\d+\]"", line 2", run.Error.Traceback);
    }

    [Fact]
    public async Task IgnoredInterrupt_IsKilledAfterTheGrace()
    {
        var kernel = await StartAsync();
        var clock = Stopwatch.StartNew();

        var run = await Run(kernel, "import time\nwhile True:\n    try:\n        time.sleep(1)\n    except BaseException:\n        pass", limitSeconds: 1, graceSeconds: 1);

        Assert.Equal("killed: ignored the interrupt", run.Error!.Message);
        Assert.True(run.TimedOut);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 8);
        Assert.Equal("killed: ignored the interrupt", (await kernel.Exited).Reason);
    }

    [Fact]
    public async Task MemoryLimit_IsAMemoryErrorInThatKernel_WhichLivesOn()
    {
        var kernel = await StartAsync("bounded", new BufferscopeOptions { Kernels = new KernelOptions { MaxMemoryBytes = 1L << 30 } });

        var big = await Run(kernel, "b = bytearray(2 << 30)");
        var many = await Run(kernel, "chunks = [bytearray(1 << 20) for _ in range(1500)]");

        Assert.Equal("MemoryError", big.Error?.Type);
        Assert.Equal("MemoryError", many.Error?.Type);
        Assert.Equal("2", (await Run(kernel, "chunks = None\n1 + 1")).Result);
        Assert.False(kernel.Exited.IsCompleted);
    }

    [Fact]
    public async Task OneKernelSleeping_DoesNotDelayAnother()
    {
        var sleeper = await StartAsync("sleeper");
        var other = await StartAsync("other");
        var sleeping = Run(sleeper, "import time\ntime.sleep(3)");
        Assert.Equal("2", (await Run(other, "1 + 1")).Result); // warm

        var clock = Stopwatch.StartNew();
        var answer = await Run(other, "1 + 1");

        Assert.Equal("2", answer.Result);
        Assert.False(sleeping.IsCompleted, "the sleep ended before the other kernel answered: nothing was measured");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.True((await sleeping).Ok);
    }

    [Fact]
    public async Task Dispose_EndsTheProcess()
    {
        var kernel = await StartAsync();
        var pid = kernel.Hello.Pid;

        await kernel.DisposeAsync();
        _kernels.Remove(kernel);

        Assert.True(kernel.Exited.IsCompleted);
        Assert.Equal(0, (await kernel.Exited).Code);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var kernel in _kernels)
            await kernel.DisposeAsync();
        Directory.Delete(_run, recursive: true);
    }
}
