using Bufferscope.Core.Buffers;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>The server's <see cref="IKernel"/>: the RPC proxy, with each refusal thrown again as the exception it was in the kernel.</summary>
internal sealed class RemoteKernel(IKernel proxy) : IKernel
{
    public Task<KernelHello> HelloAsync(CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.HelloAsync(cancellationToken));
    public Task OpenSessionAsync(string sessionId, string name, string? memoryDirectory, long idsFrom, CancellationToken cancellationToken) =>
        KernelFault.Unwrap(proxy.OpenSessionAsync(sessionId, name, memoryDirectory, idsFrom, cancellationToken));
    public Task<ConsoleResult> WarmUpAsync(CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.WarmUpAsync(cancellationToken));
    public Task<ConsoleResult> RunAsync(string code, long n, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.RunAsync(code, n, cancellationToken));
    public Task<bool> InterruptAsync(CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.InterruptAsync(cancellationToken));
    public Task<BufferDescriptor> CreateBufferAsync(BufferSpec spec, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.CreateBufferAsync(spec, cancellationToken));
    public Task<IReadOnlyList<BufferDescriptor>> ListBuffersAsync(CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.ListBuffersAsync(cancellationToken));
    public Task<BufferDescriptor> GetBufferAsync(long bufferId, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.GetBufferAsync(bufferId, cancellationToken));
    public Task FreeBufferAsync(long bufferId, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.FreeBufferAsync(bufferId, cancellationToken));
    public Task<Live.Picture> PictureAsync(long bufferId, int width, int height, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.PictureAsync(bufferId, width, height, cancellationToken));

    public Task<byte[]> ReadMemoryAsync(long bufferId, long offset, int length, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.ReadMemoryAsync(bufferId, offset, length, cancellationToken));
    public Task WriteMemoryAsync(long bufferId, long offset, byte[] data, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.WriteMemoryAsync(bufferId, offset, data, cancellationToken));
    public Task<Requests.RequestAnswer> RequestAsync(long? bufferId, string? expression, int flags, CancellationToken cancellationToken) =>
        KernelFault.Unwrap(proxy.RequestAsync(bufferId, expression, flags, cancellationToken));
    public Task<string> PrepareCheckAsync(string target, string? reference, string mode, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.PrepareCheckAsync(target, reference, mode, cancellationToken));
    public Task<IReadOnlyList<Checks.CaseResult>> RunCasesAsync(IReadOnlyList<Checks.CheckCase> cases, string? progressPath, int caseTimeoutMs, int budgetMs, CancellationToken cancellationToken) =>
        KernelFault.Unwrap(proxy.RunCasesAsync(cases, progressPath, caseTimeoutMs, budgetMs, cancellationToken));
    public Task<IReadOnlyList<Requests.HeldView>> HoldersAsync(long bufferId, CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.HoldersAsync(bufferId, cancellationToken));
    public Task ShutdownAsync(CancellationToken cancellationToken) => KernelFault.Unwrap(proxy.ShutdownAsync(cancellationToken));
}
