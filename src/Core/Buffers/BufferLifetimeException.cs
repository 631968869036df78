namespace Bufferscope.Core.Buffers;

/// <summary>
/// An operation the buffer's lifetime forbids: freeing while exports are live, using a freed buffer.
/// Python sees it as BufferError, the API as 409.
/// </summary>
public sealed class BufferLifetimeException(string message, int liveExports = 0) : InvalidOperationException(message)
{
    public int LiveExports { get; } = liveExports;
}
