using System.Collections.Concurrent;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// Kernels started ahead of need (Bufferscope:Kernels:Warm, default 1): a new session takes one
/// that already runs Python and the RPC, so creating it does not wait for a process to start.
/// Each one taken is replaced in the background once the session has it (<see cref="Refill"/>):
/// started at once, the replacement's start took the CPU the new session's first call needed on
/// two cores. Disposing ends those still waiting.
/// </summary>
internal sealed class KernelPool(Func<Task<IKernelHandle>> start, int size) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Task<IKernelHandle>> _ready = new(Enumerable.Range(0, Math.Max(0, size)).Select(_ => Start(start)));
    private volatile bool _disposed;

    private static Task<IKernelHandle> Start(Func<Task<IKernelHandle>> start) => Task.Run(start);

    /// <summary>A started kernel: a warm one if there is one alive, else one started now.</summary>
    public async Task<IKernelHandle> TakeAsync()
    {
        while (!_disposed && _ready.TryDequeue(out var warm))
        {
            try
            {
                var kernel = await warm.ConfigureAwait(false);
                if (!kernel.Exited.IsCompleted)
                    return kernel;
                await kernel.DisposeAsync().ConfigureAwait(false); // died while it waited: take the next
            }
            catch (KernelStartException) { break; } // start it here instead, and let that failure be seen
        }
        return await start().ConfigureAwait(false);
    }

    /// <summary>Starts a kernel to replace one taken, up to the pool's size.</summary>
    public void Refill()
    {
        if (!_disposed && _ready.Count < size)
            _ready.Enqueue(Start(start));
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_ready.TryDequeue(out var warm))
        {
            try { await (await warm.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false); }
            catch (KernelStartException) { }
        }
    }
}
