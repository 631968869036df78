namespace Bufferscope.Core.Sessions;

/// <summary>A configured limit (sessions, buffers per session, code length) would be passed; the message names it and its setting.</summary>
public sealed class LimitExceededException(string message) : Exception(message);
