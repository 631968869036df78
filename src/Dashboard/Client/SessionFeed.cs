using Bufferscope.Dashboard.Hubs;
using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Client;

/// <summary>
/// One session's live source for its page: one Subscribe stream, folded into a
/// <see cref="SessionState"/> that every panel reads, and each batch handed on to them. So a
/// page has one stream for its session, not one per panel, and no panel reloads over HTTP when
/// something changes.
///
/// <see cref="Changed"/> is raised on the feed's own thread after the state has taken the
/// update; panels marshal to their renderer (InvokeAsync) and read <see cref="State"/> there.
/// Each update replaces the state's lists rather than editing them, so a panel reading them
/// meanwhile sees them from before or after an update, never half of one.
/// </summary>
public sealed class SessionFeed : IAsyncDisposable
{
    private readonly IBufferscopeClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly SessionState _state = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;

    public SessionFeed(IBufferscopeClient client, string sessionId)
    {
        _client = client;
        SessionId = sessionId;
    }

    public string SessionId { get; }
    public SessionState State => _state;
    /// <summary>Why the stream failed, as the server put it (an unknown session, a refused stream).</summary>
    public string? Error { get; private set; }

    /// <summary>After each snapshot (<see cref="SessionChange.IsSnapshot"/>) and each batch.</summary>
    public event Action<SessionChange>? Changed;

    /// <summary>Completes once the first snapshot is in (or the stream failed).</summary>
    public Task Loaded => _loaded.Task;

    public void Start() => _running = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        try
        {
            await foreach (var update in _client.SubscribeAsync(SessionId, _stop.Token).ConfigureAwait(false))
            {
                SessionChange change;
                lock (_state)
                {
                    if (update.Snapshot is { } snapshot)
                    {
                        _state.Apply(snapshot);
                        change = new SessionChange(true, []);
                    }
                    else
                    {
                        _state.Apply(update.Events ?? []);
                        change = new SessionChange(false, update.Events ?? []);
                    }
                }
                _loaded.TrySetResult();
                Changed?.Invoke(change);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception e)
        {
            Error = e is Microsoft.AspNetCore.SignalR.HubException h && h.Message.IndexOf("HubException: ", StringComparison.Ordinal) is var i and >= 0 ? h.Message[(i + 14)..] : e.Message;
            _loaded.TrySetResult();
            Changed?.Invoke(new SessionChange(false, []));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _running.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
