namespace Bufferscope.Core.Kernels;

/// <summary>A session's kernel as clients see it: state (starting, idle, busy, dead, restarting), process, interpreter, and how the last one ended.</summary>
public sealed record KernelStatus(string State, int? Pid, KernelPython? Python, KernelExit? LastExit);

public sealed record KernelPython(string Version, string Executable);

/// <summary>What a session holds now: its buffers (those of a dead kernel too, as they were) and their live exports, summed.</summary>
public sealed record SessionCounts(int Buffers, int Exports);
