namespace Bufferscope.Core.Checks;

/// <summary>A check's target (or reference) does not name a callable in its session: the message says why, as Python did.</summary>
public sealed class CheckTargetException(string message) : Exception(message);
