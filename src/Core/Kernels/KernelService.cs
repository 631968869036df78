using Bufferscope.Core.Buffers;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The kernel's side of <see cref="IKernel"/>: Core, as it runs in one process, with exactly one
/// session, whose id is the server's. Every call is the session manager's own, so a kernel behaves
/// exactly as Core does in-process, limits, errors and ledger included.
/// </summary>
internal sealed class KernelService(BufferscopeCore core, Action<string> opened, Action shutdown) : IKernel
{
    private string? _sessionId;
    private int _opening;

    private string SessionId => _sessionId ?? throw new Sessions.NotFoundException("this kernel has no session yet");

    public Task OpenSessionAsync(string sessionId, string name, string? memoryDirectory, long idsFrom, CancellationToken cancellationToken) =>
        KernelFault.Guard(async () =>
        {
            if (string.IsNullOrEmpty(sessionId))
                throw new Buffers.BufferSpecException("sessionId", "a session id is 1 or more characters"); // what the warm pool's dry run meets
            if (Interlocked.Exchange(ref _opening, 1) == 1)
                throw new LimitExceededException("this kernel has its session already");
            // Before the first exporter: ids and files are the session's from the start.
            Buffers.Exporter.IdBase = idsFrom;
            if (memoryDirectory is not null)
                core.Factory.NativeDirectory = Directory.CreateDirectory(memoryDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
            await core.Sessions.CreateAsync(name, sessionId).ConfigureAwait(false);
            _sessionId = sessionId;
            opened(sessionId);
        });

    public Task<KernelHello> HelloAsync(CancellationToken cancellationToken) => Task.FromResult(new KernelHello(
        Environment.ProcessId, core.Python.Installation.Version.ToString(), core.Python.Installation.Executable, core.Python.Installation.Library));

    public Task<ConsoleResult> WarmUpAsync(CancellationToken cancellationToken) =>
        KernelFault.Guard(async () =>
        {
            if (_sessionId is not null)
                throw new LimitExceededException("this kernel has its session already; a warm-up comes before it");
            var scratch = await core.Sessions.CreateAsync("warm-up", $"warm-up-{Guid.NewGuid():n}").ConfigureAwait(false);
            var run = await core.Sessions.RunAsync(scratch.Id, "1 + 1").ConfigureAwait(false);
            core.Sessions.ListBuffers(scratch.Id);
            using (core.Events.Subscribe(scratch.Id)) { }
            await core.Sessions.DeleteAsync(scratch.Id, force: true).ConfigureAwait(false);
            return run;
        });

    public Task<ConsoleResult> RunAsync(string code, long n, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Sessions.RunAsync(SessionId, code, n: n));

    public Task<bool> InterruptAsync(CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.Interrupt(SessionId)));

    public Task<BufferDescriptor> CreateBufferAsync(BufferSpec spec, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Sessions.CreateBufferAsync(SessionId, spec));

    public Task<IReadOnlyList<BufferDescriptor>> ListBuffersAsync(CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.ListBuffers(SessionId)));

    public Task<BufferDescriptor> GetBufferAsync(long bufferId, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.GetBuffer(SessionId, bufferId)));

    public Task FreeBufferAsync(long bufferId, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Sessions.FreeBufferAsync(SessionId, bufferId));

    public Task<Live.Picture> PictureAsync(long bufferId, int width, int height, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.Picture(SessionId, bufferId, width, height)));

    public Task<byte[]> ReadMemoryAsync(long bufferId, long offset, int length, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => Task.FromResult(core.Sessions.ReadMemory(SessionId, bufferId, offset, length)));

    public Task WriteMemoryAsync(long bufferId, long offset, byte[] data, CancellationToken cancellationToken) =>
        KernelFault.Guard(() =>
        {
            core.Sessions.WriteMemory(SessionId, bufferId, offset, data);
            return Task.CompletedTask;
        });

    public Task<string> PrepareCheckAsync(string target, string? reference, string mode, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Checks.PrepareAsync(SessionId, target, reference, mode));

    public Task<IReadOnlyList<Checks.CaseResult>> RunCasesAsync(IReadOnlyList<Checks.CheckCase> cases, string? progressPath, int caseTimeoutMs, int budgetMs, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Checks.RunAsync(cases, progressPath, TimeSpan.FromMilliseconds(caseTimeoutMs), TimeSpan.FromMilliseconds(budgetMs)));

    public Task<Requests.RequestAnswer> RequestAsync(long? bufferId, string? expression, int flags, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Workbench.AskAsync(SessionId, bufferId, expression, flags));

    public Task<IReadOnlyList<Requests.HeldView>> HoldersAsync(long bufferId, CancellationToken cancellationToken) =>
        KernelFault.Guard(() => core.Holders.FindAsync(SessionId, bufferId));

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        shutdown();
        return Task.CompletedTask;
    }
}
