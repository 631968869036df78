namespace Bufferscope.Dashboard;

/// <summary>A setting the server will not start with; the message says which and what is allowed. The server exits with 4.</summary>
public sealed class ConfigurationRefusedException(string message) : Exception(message);
