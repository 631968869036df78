namespace Bufferscope.Core.Python;

/// <summary>A Python exception carried into .NET with its type, message and formatted traceback.</summary>
public sealed class PythonException(string pythonType, string pythonMessage, string traceback)
    : Exception($"{pythonType}: {pythonMessage}")
{
    /// <summary>Qualified type name, e.g. <c>BufferError</c> or <c>numpy.AxisError</c>.</summary>
    public string PythonType { get; } = pythonType;
    public string PythonMessage { get; } = pythonMessage;
    public string PythonTraceback { get; } = traceback;
}
