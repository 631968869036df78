namespace Bufferscope.Core.Live;

/// <summary>
/// Wakes whoever waits for a buffer's next change. Pulsed at most once per feed frame per buffer
/// (from the slot path) and on server writes; waiting costs nothing while nothing happens.
/// </summary>
public sealed class ActivitySignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/> after this call.</summary>
    public Task NextAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);

    /// <summary>Wakes the waiters. Continuations run elsewhere, never on the caller (the Python thread).</summary>
    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
