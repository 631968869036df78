using System.Collections.Concurrent;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>One session as the server keeps it: its kernel, the buffers it mirrors, when it was last asked for.</summary>
internal sealed class KernelSession(SessionInfo info, string memoryDirectory, Python.PythonInstallation python)
{
    /// <summary>The interpreter its kernels run: the one it was created with, through every restart.</summary>
    public Python.PythonInstallation Python { get; } = python;
    public SessionInfo Info { get; } = info;
    public string Id => Info.Id;
    /// <summary>Its kernel's place among the server's: that kernel's buffer ids start at ordinal × <see cref="KernelSessions.IdsPerKernel"/>. New with each kernel.</summary>
    public long Ordinal { get; set; }
    public string MemoryDirectory { get; } = memoryDirectory;
    public IKernelHandle Kernel { get; set; } = null!;
    public IdleClock Idle { get; } = new();
    public ConcurrentDictionary<long, BufferMirror> Mirrors { get; } = new();
    /// <summary>The kernel's buffers as last described, kept from its events: what a restart binds again.</summary>
    public ConcurrentDictionary<long, Sessions.BufferDescriptor> Known { get; } = new();
    /// <summary>
    /// Each live buffer's export count, as its kernel's latest event says (every event carries the
    /// count after it, in order): the session list's figure, with no call to a kernel that may be busy.
    /// </summary>
    public ConcurrentDictionary<long, int> Exports { get; } = new();
    /// <summary>Ids the kernel freed, so a descriptor fetched late is not remembered.</summary>
    public ConcurrentDictionary<long, byte> FreedIds { get; } = new();
    /// <summary>Runs in flight: busy while above zero.</summary>
    public int Running;
    public volatile bool Restarting;
    /// <summary>Completes when the session's kernel is back after a restart or a server start; calls wait for it.</summary>
    public Task Ready { get; set; } = Task.CompletedTask;
    /// <summary>The number of its latest console run (history's n).</summary>
    public long LastRun;
    /// <summary>
    /// Runs sent whose history entry is not written yet, n to code: written by whichever comes
    /// first, the kernel's consoleRan or the run's answer, so the history has a run before anyone
    /// hears that it ran (the event can come first, and a page reads the history when it does).
    /// </summary>
    public ConcurrentDictionary<long, string> Unrecorded { get; } = new();
    /// <summary><see cref="LastRun"/> when its kernel started: the runs after it made the namespace a check kernel is set up as.</summary>
    public long KernelFromRun;
    public KernelExit? LastExit;
    public SemaphoreSlim MirrorLock { get; } = new(1, 1);
    public volatile bool Deleted;
}
