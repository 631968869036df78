namespace Bufferscope.Core.Kernels;

/// <summary>A session asked for an interpreter that is not allowed, or does not work; the message lists those allowed.</summary>
public sealed class InterpreterNotAllowedException(string message) : ArgumentException(message, "python");
