namespace Bufferscope.Core.Sessions;

/// <summary>No session or buffer with that id. The API answers 404.</summary>
public sealed class NotFoundException(string message) : Exception(message);
