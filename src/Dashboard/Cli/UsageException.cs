namespace Bufferscope.Dashboard.Cli;

/// <summary>A command line that cannot be run: the message names the flag, what was wrong and what is allowed. Exit status 2.</summary>
public sealed class UsageException(string message) : Exception(message);
