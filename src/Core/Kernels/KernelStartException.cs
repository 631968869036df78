namespace Bufferscope.Core.Kernels;

/// <summary>A kernel process could not be started or did not come up; the message has its last output.</summary>
public sealed class KernelStartException(string message, Exception? inner = null) : Exception(message, inner);
