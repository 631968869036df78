namespace Bufferscope.Core.Kernels;

/// <summary>A session's kernel as clients see it: state (starting, idle, busy, dead, restarting), process, interpreter, and how the last one ended.</summary>
public sealed record KernelStatus(string State, int? Pid, KernelPython? Python, KernelExit? LastExit);

public sealed record KernelPython(string Version, string Executable);
