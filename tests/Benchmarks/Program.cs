using Bufferscope.Benchmarks;

return args.FirstOrDefault() switch
{
    "exports" => await ExportsBenchmark.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Benchmarks -- exports");
    Console.Error.WriteLine("  exports   cost of memoryview(x).release() on a MemBuf vs bytearray, and of each part of an export");
    return 2;
}
