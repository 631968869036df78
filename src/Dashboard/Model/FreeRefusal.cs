namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The buffers panel's "cannot free" warning: the server's refusal to free one buffer while
/// exports of it are live, shown under that buffer for as long as it is still true. It goes
/// once that buffer has no live export left (its views were released, or went with their
/// kernel) or is gone, and once another buffer is selected: a refusal is about the buffer the
/// user just tried to free, not a standing note on a list.
/// </summary>
public sealed class FreeRefusal
{
    public long? BufferId { get; private set; }
    public string? Message { get; private set; }

    /// <summary>The server refused to free <paramref name="bufferId"/>, saying <paramref name="message"/>.</summary>
    public void Refused(long bufferId, string message) => (BufferId, Message) = (bufferId, message);

    public void Clear() => (BufferId, Message) = (null, null);

    /// <summary>The warning for <paramref name="bufferId"/>'s row, if any.</summary>
    public string? For(long bufferId) => BufferId == bufferId ? Message : null;

    /// <summary>After the session's state changed or the selection moved: drops the warning once it no longer holds.</summary>
    public void Update(SessionState state, long? selectedId)
    {
        if (BufferId is { } id && (selectedId != id || state.Find(id) is not { Exports: > 0 }))
            Clear();
    }
}
