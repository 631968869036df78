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
    protected async Task Restart(Func<CancellationToken, Task>? run)
    {
        if (_cts is not null)
        {
            await _cts.CancelAsync();
            try { await _running; } catch (OperationCanceledException) { }
            _cts.Dispose();
            _cts = null;
        }
        StreamError = null;
        if (run is null)
            return;
        var cts = _cts = new CancellationTokenSource();
        _running = Task.Run(async () =>
        {
            try { await run(cts.Token); }
            catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
            catch (Exception e)
            {
                await InvokeAsync(() => { StreamError = Explain(e); StateHasChanged(); });
            }
        });
    }

    protected static string Explain(Exception e) => e switch
    {
        // The client prefixes the server's message with "An unexpected error occurred invoking ...".
        Microsoft.AspNetCore.SignalR.HubException h when h.Message.IndexOf("HubException: ", StringComparison.Ordinal) is var i and >= 0 => h.Message[(i + 14)..],
        _ => e.Message,
    };

    public virtual async ValueTask DisposeAsync()
    {
        await Restart(null);
        GC.SuppressFinalize(this);
    }
}
