using System.Collections.Concurrent;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>One session as the server keeps it: its kernel, the buffers it mirrors, when it was last asked for.</summary>
internal sealed class KernelSession(SessionInfo info, long ordinal, string memoryDirectory)
{
    public SessionInfo Info { get; } = info;
    public string Id => Info.Id;
    /// <summary>Its place among the server's sessions: buffer ids of its kernel start at ordinal × <see cref="KernelSessions.IdsPerKernel"/>.</summary>
    public long Ordinal { get; } = ordinal;
    public string MemoryDirectory { get; } = memoryDirectory;
    public KernelProcess Kernel { get; set; } = null!;
    public IdleClock Idle { get; } = new();
    public ConcurrentDictionary<long, BufferMirror> Mirrors { get; } = new();
    public SemaphoreSlim MirrorLock { get; } = new(1, 1);
    public volatile bool Deleted;
}
