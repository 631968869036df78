namespace Bufferscope.Core.Buffers;

/// <summary>A buffer description that cannot be honoured; <see cref="ArgumentException.ParamName"/> names the field.</summary>
public sealed class BufferSpecException(string parameter, string message) : ArgumentException(message, parameter)
{
    /// <summary>The message without .NET's " (Parameter 'x')" suffix.</summary>
    public string Detail { get; } = message;
}
