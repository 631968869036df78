using Bufferscope.Core.Checks;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Client;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Makes findings real buffers of the session (<see cref="CheckFindingBuffer"/>), once each: opening a
/// finding again while its buffer is still listed gives that buffer, not a second copy. Names go
/// by the feed's buffer list; a name bound otherwise in Python is the server's 400 to show.
/// Not thread-safe: the panel calls it on its renderer.
/// </summary>
public sealed class CheckFindingOpener(IBufferscopeClient client, SessionFeed feed)
{
    private readonly Dictionary<(string Check, string Kind, int N), long> _opened = [];

    /// <summary>The buffer of the <paramref name="n"/>th finding (from 1) of its kind in check <paramref name="checkId"/>; throws <see cref="BufferscopeApiException"/>.</summary>
    public async Task<BufferDto> OpenAsync(string checkId, Finding finding, int n)
    {
        var key = (checkId, finding.Kind, n);
        if (_opened.TryGetValue(key, out var id) && feed.State.Find(id) is { } known)
            return known;
        var name = CheckFindingBuffer.Name(finding.Kind, n, feed.State.Buffers.Select(b => b.Name));
        var buffer = await client.CreateBufferAsync(feed.SessionId, CheckFindingBuffer.Spec(finding, name));
        _opened[key] = buffer.Id;
        return buffer;
    }
}
