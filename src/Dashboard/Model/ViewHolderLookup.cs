using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Client;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// Who holds each view a panel shows, asked of the kernel when views it does not know yet
/// appear, and again after each console run (a run binds the names holders are known by). The
/// kernel scans its objects to answer, so this asks once per change, never twice at a time: a
/// change during a question asks once more when it is answered. Renderer only.
/// </summary>
public sealed class ViewHolderLookup(IBufferscopeClient client)
{
    private readonly Dictionary<long, IReadOnlyList<ViewHolder>> _known = [];
    private bool _asking, _again;

    /// <summary>The view's holders, or null while not known.</summary>
    public IReadOnlyList<ViewHolder>? For(long viewId) => _known.GetValueOrDefault(viewId);

    /// <summary>Forgets what is known: the next <see cref="FollowAsync"/> asks again.</summary>
    public void Forget() => _known.Clear();

    /// <summary>Asks for the buffer's holders if any of <paramref name="viewIds"/> is not known; true when something was learnt.</summary>
    public async Task<bool> FollowAsync(string sessionId, long bufferId, IReadOnlyCollection<long> viewIds)
    {
        if (viewIds.All(_known.ContainsKey))
            return false;
        if (_asking)
        {
            _again = true;
            return false;
        }
        _asking = true;
        try
        {
            do
            {
                _again = false;
                var held = await client.HoldersAsync(sessionId, bufferId);
                foreach (var view in held)
                    _known[view.View] = view.Holders;
                foreach (var gone in viewIds.Where(id => !_known.ContainsKey(id)))
                    _known[gone] = []; // released before the kernel looked: nothing holds it
            } while (_again);
            return true;
        }
        catch (BufferscopeApiException) { return false; } // the kernel is gone or restarting: the rows say "…" until the next change
        finally { _asking = false; }
    }

    /// <summary>"numpy.ndarray a (through a memoryview)", the holders of one view joined; "…" while not known.</summary>
    public string Describe(long viewId) => For(viewId) switch
    {
        null => "…",
        [] => "nothing now",
        var holders => string.Join(", ", holders),
    };
}
