using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The server's hold on one started kernel, wherever it runs: its contract, how and when it ended,
/// its last output, its changes, and a run supervised against its time limit.
/// Disposing ends the kernel: no kernel outlives its handle.
/// </summary>
public interface IKernelHandle : IAsyncDisposable
{
    IKernel Kernel { get; }
    KernelHello Hello { get; }

    /// <summary>Completes when the kernel has ended, with how.</summary>
    Task<KernelExit> Exited { get; }

    /// <summary>The last lines the kernel wrote (where faulthandler writes a crash's traceback).</summary>
    string OutputTail { get; }

    /// <summary>Each batch of the session's changes, in order.</summary>
    event Action<IReadOnlyList<BufferEvent>>? Changed;

    /// <summary>A snippet, the session's run <paramref name="n"/>, interrupted at <paramref name="limit"/>; the kernel is killed if it ignores that for <paramref name="killGrace"/>. A death is the run's result.</summary>
    Task<ConsoleResult> RunAsync(string code, long n, TimeSpan limit, TimeSpan killGrace, CancellationToken cancellationToken = default);

    /// <summary>Ends the kernel now; <see cref="Exited"/> then says <c>killed: </c><paramref name="because"/>.</summary>
    void Kill(string because);
}
