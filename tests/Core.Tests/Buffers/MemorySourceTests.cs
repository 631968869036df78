using System.Diagnostics;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Tests.Buffers;

/// <summary>Each memory source exports the same way; mapped files and shared memory are shared with other processes.</summary>
public sealed class MemorySourceTests(CoreFixture fixture)
{
    [Fact]
    public async Task Managed_PinnedArray_IsExportedZeroCopy()
    {
        var s = await fixture.NewSessionAsync();
        var d = await fixture.Sessions.CreateBufferAsync(s, new BufferSpec { Name = "m", Shape = [8], Format = "<q", Source = new SourceSpec { Kind = "managed" }, Fill = new FillSpec { Kind = "ramp" } });
        Assert.Equal("managed", d.Source.Kind);
        var r = await fixture.RunOkAsync(s, "import numpy as np\na = np.asarray(m)\na[7] = 99\na.tolist(), a.ctypes.data == m.address");
        Assert.Equal("([0, 1, 2, 3, 4, 5, 6, 99], True)", r.Result);
        Assert.Equal(99, BitConverter.ToInt64(fixture.Sessions.ReadMemory(s, d.Id, 56, 8)));
    }

    [Fact]
    public async Task Mmap_WritesReachTheFile_AndAnExistingFileIsAttachedAsItIs()
    {
        var s = await fixture.NewSessionAsync();
        var path = Path.Combine(Path.GetTempPath(), $"bufferscope-{Guid.NewGuid():n}.bin");
        try
        {
            await fixture.RunOkAsync(s, $"f = bufferscope.MemBuf(shape=(4,), format='<I', source='mmap', name={Py(path)}, fill='ramp')\nmemoryview(f).cast('B')[0] = 0xAA\nf.free()");
            Assert.False(File.Exists(path)); // we created it, so freeing removes it

            await File.WriteAllBytesAsync(path, [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0], TestContext.Current.CancellationToken);
            var r = await fixture.RunOkAsync(s, $"g = bufferscope.MemBuf(shape=(4,), format='I', source='mmap', name={Py(path)})\nmv = memoryview(g)\nmv[3] = 40\nmv.release()\nmemoryview(g).tolist(), g.source");
            Assert.Equal("([1, 2, 3, 40], 'mmap')", r.Result);
            await fixture.RunOkAsync(s, "g.free()");
            var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(18, bytes.Length); // an existing file keeps its size and its place
            Assert.Equal(40, bytes[12]);

            var small = await fixture.Sessions.RunAsync(s, $"bufferscope.MemBuf(shape=(8,), format='<I', source='mmap', name={Py(path)})");
            Assert.Contains("is 18 bytes but the layout needs 32", small.Error!.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Shm_WrittenByAnotherPython_IsSeen()
    {
        var s = await fixture.NewSessionAsync();
        var name = $"bufferscope_test_{Guid.NewGuid():n}";
        try
        {
            await fixture.RunOkAsync(s, $"seg = bufferscope.MemBuf(shape=(64,), format='B', source='shm', name={Py(name)}, create=True)");
            Assert.True(File.Exists($"/dev/shm/{name}"));

            // A separate python3 process attaches to the segment by name and writes into it.
            await RunPython($"""
                from multiprocessing import shared_memory, resource_tracker
                shm = shared_memory.SharedMemory(name={Py(name)})
                resource_tracker.unregister(shm._name, "shared_memory")  # 3.11 would unlink it at exit
                shm.buf[:5] = b"hello"
                shm.close()
                """);
            var r = await fixture.RunOkAsync(s, "bytes(seg)[:5], seg.exports");
            Assert.Equal("(b'hello', 0)", r.Result);
            await fixture.RunOkAsync(s, "seg.free()");
            Assert.False(File.Exists($"/dev/shm/{name}")); // we created it, so freeing unlinks it
        }
        finally { File.Delete($"/dev/shm/{name}"); }
    }

    /// <summary>Issue 12, defect 4: a mistyped name made a new, zeroed segment; now it is refused and nothing is made.</summary>
    [Fact]
    public async Task Shm_MissingWithoutCreate_IsRefusedNamingWhatExists_AndMakesNothing()
    {
        var s = await fixture.NewSessionAsync();
        var there = $"bufferscope_test_{Guid.NewGuid():n}";
        var typo = there + "x";
        try
        {
            await File.WriteAllBytesAsync($"/dev/shm/{there}", new byte[8], TestContext.Current.CancellationToken);
            var r = await fixture.Sessions.RunAsync(s, $"bufferscope.MemBuf(shape=(8,), format='B', source='shm', name={Py(typo)})");
            Assert.Equal("ValueError", r.Error!.Type);
            Assert.Contains($"no shared memory segment '{typo}'; existing: '{there}'", r.Error.Message);
            Assert.Contains("create=True", r.Error.Message);
            Assert.False(File.Exists($"/dev/shm/{typo}"));
        }
        finally { File.Delete($"/dev/shm/{there}"); File.Delete($"/dev/shm/{typo}"); }
    }

    /// <summary>Issue 12, defect 4: a fill spec that names no kind is no fill: attached memory keeps its bytes.</summary>
    [Fact]
    public async Task Shm_AttachedWithAFillOfNoKind_KeepsItsBytes()
    {
        var s = await fixture.NewSessionAsync();
        var name = $"bufferscope_test_{Guid.NewGuid():n}";
        try
        {
            await File.WriteAllBytesAsync($"/dev/shm/{name}", [9, 8, 7, 6], TestContext.Current.CancellationToken);
            var d = await fixture.Sessions.CreateBufferAsync(s, new BufferSpec { Name = "seg", Shape = [4], Fill = new FillSpec(), Source = new SourceSpec { Kind = "shm", Name = name } });
            Assert.Equal(new byte[] { 9, 8, 7, 6 }, fixture.Sessions.ReadMemory(s, d.Id, 0, 4));
            Assert.False(d.Source.Created);
            await fixture.Sessions.FreeBufferAsync(s, d.Id);
            Assert.True(File.Exists($"/dev/shm/{name}"));
        }
        finally { File.Delete($"/dev/shm/{name}"); }
    }

    [Fact]
    public async Task Shm_MadeByAnotherPython_IsAttachedAndWatched()
    {
        var s = await fixture.NewSessionAsync();
        var name = $"bufferscope_test_{Guid.NewGuid():n}";
        using var other = StartPython($"""
            import sys
            from multiprocessing import shared_memory
            shm = shared_memory.SharedMemory(name={Py(name)}, create=True, size=16)
            shm.buf[:4] = b"\x01\x02\x03\x04"
            print("ready", flush=True)
            sys.stdin.readline()          # wait: bufferscope attaches now
            shm.buf[4:8] = b"\x05\x06\x07\x08"
            print("written", flush=True)
            sys.stdin.readline()
            shm.close(); shm.unlink()
            """);
        Assert.Equal("ready", await other.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
        var d = (await fixture.RunOkAsync(s, $"seg = bufferscope.MemBuf(shape=(4,), format='<I', source='shm', name={Py(name)})\nseg.id")).Result;
        var id = long.Parse(d!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0, 0, 0, 0 }, fixture.Sessions.ReadMemory(s, id, 0, 8));
        await other.StandardInput.WriteLineAsync(ReadOnlyMemory<char>.Empty, TestContext.Current.CancellationToken);
        Assert.Equal("written", await other.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, fixture.Sessions.ReadMemory(s, id, 0, 8));
        Assert.True(fixture.Sessions.GetBuffer(s, id).Source.ChangesFromOutside);
        await fixture.RunOkAsync(s, "seg.free()");
        Assert.True(File.Exists($"/dev/shm/{name}")); // attached, not ours: left for its creator
        await other.StandardInput.WriteLineAsync(ReadOnlyMemory<char>.Empty, TestContext.Current.CancellationToken);
        await other.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, other.ExitCode);
    }

    [Fact]
    public async Task Fills_RampRandomPatternData()
    {
        var s = await fixture.NewSessionAsync();
        var r = await fixture.RunOkAsync(s, """
            import numpy as np
            ramp = np.asarray(bufferscope.MemBuf(shape=(2, 3), format='<f', fill='ramp', order='F')).tolist()
            a = bytes(bufferscope.MemBuf(shape=(32,), format='B', seed=7))
            b = bytes(bufferscope.MemBuf(shape=(32,), format='B', fill='random', seed=7))
            c = bytes(bufferscope.MemBuf(shape=(32,), format='B', seed=8))
            floats = np.asarray(bufferscope.MemBuf(shape=(1000,), format='d', seed=1))
            pattern = bytes(bufferscope.MemBuf(shape=(5,), format='B', fill=b'\xde\xad'))
            data = bufferscope.MemBuf(shape=(2,), format='<H', data=b'\x01\x00\x02\x00\xff')
            print(ramp, a == b, a != c, 0 <= floats.min() and floats.max() < 1, pattern.hex(), np.asarray(data).tolist(), data.nbytes)
            """);
        Assert.Equal("[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] True True True deaddeadde [1, 2] 4\n", r.Stdout);
    }

    private static string Py(string s) => $"'{s}'";

    private static Process StartPython(string code)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        return Process.Start(start)!;
    }

    private static async Task RunPython(string code)
    {
        using var p = StartPython(code);
        p.StandardInput.Close();
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, p.ExitCode);
    }
}
