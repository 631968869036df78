using Bufferscope.Core.Buffers;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The kernel's side of <see cref="IKernel"/>: Core, as it runs in one process, with exactly one
/// session, whose id is the server's. Every call is the session manager's own, so a kernel behaves
/// exactly as Core does in-process, limits, errors and ledger included.
/// </summary>
internal sealed class KernelService(BufferscopeCore core, string sessionId, Action shutdown) : IKernel
{
    public Task<KernelHello> HelloAsync(CancellationToken cancellationToken) => Task.FromResult(new KernelHello(
        Environment.ProcessId, core.Python.Installation.Version.ToString(), core.Python.Installation.Executable, core.Python.Installation.Library));

    public Task<ConsoleResult> RunAsync(string code, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Sessions.RunAsync(sessionId, code));

    public Task<bool> InterruptAsync(CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.Interrupt(sessionId)));

    public Task<BufferDescriptor> CreateBufferAsync(BufferSpec spec, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Sessions.CreateBufferAsync(sessionId, spec));

    public Task<IReadOnlyList<BufferDescriptor>> ListBuffersAsync(CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.ListBuffers(sessionId)));

    public Task<BufferDescriptor> GetBufferAsync(long bufferId, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.GetBuffer(sessionId, bufferId)));

    public Task FreeBufferAsync(long bufferId, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Sessions.FreeBufferAsync(sessionId, bufferId));

    public Task<byte[]> ReadMemoryAsync(long bufferId, long offset, int length, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.ReadMemory(sessionId, bufferId, offset, length)));

    public Task WriteMemoryAsync(long bufferId, long offset, byte[] data, CancellationToken cancellationToken) =>
        KernelFault.Guard(() =>
        {
            core.Sessions.WriteMemory(sessionId, bufferId, offset, data);
            return Task.CompletedTask;
        });

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        shutdown();
        return Task.CompletedTask;
    }
}
