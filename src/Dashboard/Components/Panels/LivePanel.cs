using Bufferscope.Dashboard.Client;
using Microsoft.AspNetCore.Components;

namespace Bufferscope.Dashboard.Components.Panels;

/// <summary>
/// A panel that owns one live subscription: started by <see cref="Restart"/>, cancelled and
/// awaited on dispose or when restarted. UI state changes only inside InvokeAsync; a failure of
/// the stream is shown as the panel's message, never thrown at the page.
/// </summary>
public abstract class LivePanel : ComponentBase, IAsyncDisposable
{
    private CancellationTokenSource? _cts;
    private Task _running = Task.CompletedTask;

    [Inject] protected IBufferscopeClient Client { get; set; } = null!;

    /// <summary>The stream's failure, as the server or the network put it.</summary>
    protected string? StreamError { get; set; }

    /// <summary>Stops the current subscription (if any) and starts <paramref name="run"/> in its place.</summary>
    /// <remarks>
    /// The swap happens before the first await. The renderer runs other events at every await, so
    /// a second Restart can arrive while this one waits (a scroll report during a jump does): it
    /// must find this one's subscription to cancel. Swapping after the wait left the first of two
    /// new subscriptions running unseen, writing its old window's frames over the current one's.
    /// A new run starts only once the one before it has ended, so two never overlap.
    /// </remarks>
    protected async Task Restart(Func<CancellationToken, Task>? run)
    {
        // Disposed: nothing new starts. A script's event can still reach a disposed panel (a
        // scroll report as the page took the panel away), and the subscription it started was
        // never cancelled, its first render throwing on the gone component.
        if (_disposed && run is not null)
            return;
        var previous = _cts;
        var previousRun = _running;
        var cancelling = previous?.CancelAsync() ?? Task.CompletedTask;
        StreamError = null;
        if (run is null)
        {
            _cts = null;
            _running = previousRun;
        }
        else
        {
            var cts = _cts = new CancellationTokenSource();
            _running = Task.Run(async () =>
            {
                await Ended(previousRun);
                try { await run(cts.Token); }
                catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
                catch (Exception e)
                {
                    await InvokeAsync(() => { StreamError = Explain(e); StateHasChanged(); });
                }
            });
        }
        await cancelling;
        await Ended(previousRun);
        previous?.Dispose();
    }

    /// <summary>Waits for a run to end, however it ended: its failure was shown already, or the circuit is gone.</summary>
    private static async Task Ended(Task run)
    {
        try { await run; }
        catch (Exception) { }
    }

    protected static string Explain(Exception e) => e switch
    {
        // The client prefixes the server's message with "An unexpected error occurred invoking ...".
        Microsoft.AspNetCore.SignalR.HubException h when h.Message.IndexOf("HubException: ", StringComparison.Ordinal) is var i and >= 0 => h.Message[(i + 14)..],
        _ => e.Message,
    };

    private bool _disposed;

    /// <summary>True once disposed: script callbacks that arrive later change nothing.</summary>
    protected bool IsDisposed => _disposed;

    public virtual async ValueTask DisposeAsync()
    {
        _disposed = true;
        await Restart(null);
        GC.SuppressFinalize(this);
    }
}
