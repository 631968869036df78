namespace Bufferscope.Dashboard.Client;

/// <summary>
/// The server refused or could not be reached. <see cref="Exception.Message"/> is the problem's
/// detail (what is wrong and what is allowed), ready to show; <see cref="Title"/> the problem's
/// title (e.g. BufferError); <see cref="Exports"/> the live count a 409 carries.
/// </summary>
public sealed class BufferscopeApiException(int status, string title, string detail, int? exports = null, Exception? inner = null)
    : Exception(detail, inner)
{
    /// <summary>The HTTP status, or 0 when the server did not answer.</summary>
    public int Status { get; } = status;
    public string Title { get; } = title;
    public int? Exports { get; } = exports;
}
