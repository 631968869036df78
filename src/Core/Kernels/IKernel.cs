using Bufferscope.Core.Buffers;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// What a kernel serves the server over its socket: its one session's console, buffers and
/// memory. Calls and answers are the same serialisable records <see cref="SessionManager"/> takes
/// and returns; an error crosses as a <see cref="KernelError"/> naming the exception it was.
/// </summary>
[StreamJsonRpc.JsonRpcContract]
public partial interface IKernel
{
    /// <summary>Who the kernel is: process, interpreter. The first call, once it has started Python.</summary>
    Task<KernelHello> HelloAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the kernel's one session (a kernel waits in the server's warm pool without one):
    /// its id and name, where its native buffers' files go, and where its buffer ids start.
    /// Once only; every call below needs it.
    /// </summary>
    Task OpenSessionAsync(string sessionId, string name, string? memoryDirectory, long idsFrom, CancellationToken cancellationToken);

    /// <summary>
    /// Runs once what a session's first calls run (open, a run, a list) in a scratch session it
    /// then deletes, so a kernel waiting in the warm pool has those paths compiled: in a fresh
    /// process, the JIT is most of a first call's time. Answers with the scratch run's result, so
    /// that its serialisation is compiled too. Before <see cref="OpenSessionAsync"/> only.
    /// </summary>
    Task<ConsoleResult> WarmUpAsync(CancellationToken cancellationToken);

    /// <summary>A snippet, as the session's run <paramref name="n"/> (its prompt, In [n]), its output streamed as consoleOutput while it runs.</summary>
    Task<ConsoleResult> RunAsync(string code, long n, CancellationToken cancellationToken);

    /// <summary>KeyboardInterrupt in the running snippet; false when none runs.</summary>
    Task<bool> InterruptAsync(CancellationToken cancellationToken);

    Task<BufferDescriptor> CreateBufferAsync(BufferSpec spec, CancellationToken cancellationToken);

    Task<IReadOnlyList<BufferDescriptor>> ListBuffersAsync(CancellationToken cancellationToken);

    Task<BufferDescriptor> GetBufferAsync(long bufferId, CancellationToken cancellationToken);

    Task FreeBufferAsync(long bufferId, CancellationToken cancellationToken);

    Task<byte[]> ReadMemoryAsync(long bufferId, long offset, int length, CancellationToken cancellationToken);

    /// <summary>A buffer's <see cref="Live.Picture"/>, for memory the server cannot map (managed).</summary>
    Task<Live.Picture> PictureAsync(long bufferId, int width, int height, CancellationToken cancellationToken);

    Task WriteMemoryAsync(long bufferId, long offset, byte[] data, CancellationToken cancellationToken);

    /// <summary>Resolves a check's target (and reference) in the session's namespace, for the <see cref="RunCasesAsync"/> that follow: the target's repr.</summary>
    Task<string> PrepareCheckAsync(string target, string? reference, string mode, CancellationToken cancellationToken);

    /// <summary>
    /// Runs check cases in order until done or <paramref name="budgetMs"/> has passed, writing each
    /// one's index to <paramref name="progressPath"/> first (see <see cref="Checks.CheckProgress"/>).
    /// </summary>
    Task<IReadOnlyList<Checks.CaseResult>> RunCasesAsync(IReadOnlyList<Checks.CheckCase> cases, string? progressPath, int caseTimeoutMs, int budgetMs, CancellationToken cancellationToken);

    /// <summary>
    /// Puts one request (<paramref name="flags"/>) to a buffer of the session or the object an
    /// expression names, and the same to CPython's reference exporter for its layout; every view
    /// is released before the answer returns (<see cref="Requests.RequestWorkbench"/>).
    /// </summary>
    Task<Requests.RequestAnswer> RequestAsync(long? bufferId, string? expression, int flags, CancellationToken cancellationToken);

    /// <summary>A buffer's live views, each with the objects that hold it (<see cref="Requests.ViewHolders"/>).</summary>
    Task<IReadOnlyList<Requests.HeldView>> HoldersAsync(long bufferId, CancellationToken cancellationToken);

    /// <summary>Finishes queued work, finalises Python and ends the process.</summary>
    Task ShutdownAsync(CancellationToken cancellationToken);
}

/// <summary>A kernel's process and interpreter.</summary>
public sealed record KernelHello(int Pid, string PythonVersion, string PythonExecutable, string PythonLibrary);
