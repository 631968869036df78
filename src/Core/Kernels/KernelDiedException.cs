namespace Bufferscope.Core.Kernels;

/// <summary>A call on a session whose kernel is dead; the message says how it died and what to do. The API answers 409.</summary>
public sealed class KernelDiedException(string message) : Exception(message);
