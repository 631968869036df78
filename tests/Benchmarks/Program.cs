using Bufferscope.Benchmarks;

return args.FirstOrDefault() switch
{
    "exports" => await ExportsBenchmark.RunAsync(),
    "live" => await LiveBenchmark.RunAsync(),
    "kernels" => await KernelsBenchmark.RunAsync(),
    "checks" => await ChecksBenchmark.RunAsync(),
    "kernel-start" => await KernelStartProbe.RunAsync(),
    "run-latency" => await RunLatencyProbe.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Benchmarks -- exports|live|kernels|checks|kernel-start|run-latency");
    Console.Error.WriteLine("  exports   cost of memoryview(x).release() on a MemBuf vs bytearray inside a kernel, and of each part of an export");
    Console.Error.WriteLine("  live      write-to-client latency, frames to 50 clients, CPU of the server and its kernels while 10 clients watch a quiescent 1 GiB buffer");
    Console.Error.WriteLine("  checks    cases/s of a numpy sum consumer over the standard set, the same with a crash every 100 cases, shrink time per finding");
    Console.Error.WriteLine("  kernel-start  a check kernel's start, step by step, and its CPU");
    Console.Error.WriteLine("  run-latency   run 1+1 p50 per 300 runs of a fresh server, back to back and with pauses (the runtime's background compiler), and in the server without HTTP");
    Console.Error.WriteLine("  kernels   session create (warm pool), run 1+1, crash to restarted, idle kernel RSS, one session's 1+1 while another sleeps");
    return 2;
}
