namespace Bufferscope.Core.Python;

/// <summary>The configured interpreter cannot be used; the message names what was found and what to set.</summary>
public sealed class PythonStartException(string message, Exception? inner = null) : Exception(message, inner);
