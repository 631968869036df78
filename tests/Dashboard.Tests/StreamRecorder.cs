using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace Bufferscope.Dashboard.Tests;

/// <summary>Reads a stream in the background; tests wait for the items they expect, with a timeout.</summary>
internal sealed class StreamRecorder<T> : IAsyncDisposable
{
    private readonly List<T> _items = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;

    public StreamRecorder(Func<CancellationToken, IAsyncEnumerable<T>> open)
    {
        var stream = open(_stop.Token);
        _task = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in stream)
                    lock (_items) _items.Add(item);
            }
            catch (OperationCanceledException) { }
        });
    }

    public List<T> Items { get { lock (_items) return [.. _items]; } }

    public async Task<List<T>> WaitFor(Func<List<T>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ServerFixture.Timeout)
        {
            if (done(Items)) return Items;
            if (_task.IsFaulted) await _task;
            await Task.Delay(5);
        }
        Assert.Fail($"timed out; got {Items.Count}: {string.Join("; ", Items.TakeLast(5))}");
        return [];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _task; } catch (HubException) { }
    }
}
