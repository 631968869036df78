using Bufferscope.Dashboard.Client;
using Microsoft.AspNetCore.Components;

namespace Bufferscope.Dashboard.Components.Panels;

/// <summary>
/// A panel that reads its session's <see cref="SessionFeed"/>: the state every panel of the page
/// shares, and each change to it, handled on this panel's renderer (<see cref="OnChangeAsync"/>)
/// and then rendered. The page owns the feed; a panel only listens.
/// </summary>
public abstract class FeedPanel : ComponentBase, IDisposable
{
    private SessionFeed? _listening;

    [Inject] protected IBufferscopeClient Client { get; set; } = null!;
    [Parameter, EditorRequired] public SessionFeed Feed { get; set; } = null!;

    protected string SessionId => Feed.SessionId;

    protected override async Task OnParametersSetAsync()
    {
        if (!ReferenceEquals(_listening, Feed))
        {
            if (_listening is not null)
                _listening.Changed -= OnChanged;
            _listening = Feed;
            Feed.Changed += OnChanged;
            await OnChangeAsync(new SessionChange(true, []));
        }
        await OnParametersChangedAsync();
    }

    /// <summary>After the feed is set or changed, and whenever parameters are set.</summary>
    protected virtual Task OnParametersChangedAsync() => Task.CompletedTask;

    /// <summary>A snapshot or a batch the feed's state has taken; on the renderer, before the panel renders.</summary>
    protected virtual Task OnChangeAsync(SessionChange change) => Task.CompletedTask;

    private void OnChanged(SessionChange change) => _ = InvokeAsync(async () =>
    {
        await OnChangeAsync(change);
        StateHasChanged();
    });

    public virtual void Dispose()
    {
        if (_listening is not null)
            _listening.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
