using System.Diagnostics;
using Bufferscope.Core;
using Bufferscope.Core.Kernels;

namespace Bufferscope.Benchmarks;

/// <summary>
/// Where a check kernel's start goes: to its hello (process, runtime, Python, RPC), its session,
/// its setup (numpy imported), the target prepared; and the CPU the kernel process used for it.
/// Four starts, one line each: what a check pays after every crash.
/// </summary>
internal static class KernelStartProbe
{
    public static async Task<int> RunAsync()
    {
        var options = new BufferscopeOptions();
        var run = Directory.CreateTempSubdirectory("bufferscope-kernel-start-").FullName;
        var launcher = new LocalKernelLauncher(KernelCommand.ForAssembly(typeof(Bufferscope.Dashboard.DashboardWebApplication).Assembly.Location), run, options);
        var python = Bufferscope.Core.Python.PythonInstallation.Probe(Bufferscope.Core.Python.PythonOptions.DefaultExecutable); // as the server does, once
        for (var i = 0; i < 4; i++)
        {
            var clock = Stopwatch.StartNew();
            await using var k = await launcher.StartAsync(python);
            var hello = clock.Elapsed.TotalMilliseconds;
            await k.Kernel.OpenSessionAsync($"s{i}", "x", null, 0, CancellationToken.None);
            var open = clock.Elapsed.TotalMilliseconds;
            await k.RunAsync("import ctypes\nimport numpy as np\ndef total(b):\n    return np.asarray(b).sum()", 1, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
            var setup = clock.Elapsed.TotalMilliseconds;
            await k.Kernel.PrepareCheckAsync("total", null, "consumer", CancellationToken.None);
            var prepared = clock.Elapsed.TotalMilliseconds;
            var stat = File.ReadAllText($"/proc/{k.Hello.Pid}/stat").Split(' ');
            var cpu = (long.Parse(stat[13]) + long.Parse(stat[14])) * 10;
            Console.WriteLine($"hello {hello:0} ms, open {open - hello:0}, setup {setup - open:0}, prepare {prepared - setup:0}, total {prepared:0} ms; kernel CPU {cpu} ms");
        }
        Directory.Delete(run, recursive: true);
        return 0;
    }
}
