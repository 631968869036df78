using System.Runtime.CompilerServices;
using Bufferscope.Core;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;
using Microsoft.AspNetCore.SignalR;

namespace Bufferscope.Dashboard.Hubs;

/// <summary>
/// /hubs/buffers, the one live contract: the dashboard reads it exactly as any other client does.
/// Two server-to-client streams, each ended by the client cancelling it, within the
/// <see cref="HubLimits"/> of its client and connection. Memory is watched here, in the server,
/// from its own mapping of the kernel's pages.
/// </summary>
public sealed class BufferHub(KernelSessions sessions, BufferscopeOptions options, HubLimits limits) : Hub
{
    public const string Path = "/hubs/buffers";

    public override Task OnConnectedAsync()
    {
        limits.Connect(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        limits.Disconnect(Context);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>A session's changes, in order, coalesced per frame when they come faster than that.</summary>
    public async IAsyncEnumerable<HubEvent> Events(string sessionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IDisposable hold;
        try { hold = sessions.Hold(sessionId); } // someone is watching: the session is not idle
        catch (NotFoundException e) { throw new HubException(e.Message); }
        using var _ = hold;
        using var lease = limits.OpenStream(Context);
        using var subscription = sessions.Events.Subscribe(sessionId);
        await foreach (var batch in subscription.ReadAllAsync(cancellationToken))
            foreach (var e in batch)
                yield return HubEvent.From(e);
    }

    /// <summary>Bytes [offset, offset + length) of a buffer: at once, then whenever they change, at most FrameRate times a second.</summary>
    public async IAsyncEnumerable<WatchFrame> WatchMemory(long bufferId, long offset, int length, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var max = options.Limits.MaxWatchBytes;
        if (length <= 0 || length > max)
            throw new HubException($"length {length} is not allowed: a window is 1 to {max} bytes (Bufferscope:Limits:MaxWatchBytes)");
        var buffer = await sessions.WatchedAsync(bufferId) ?? throw new HubException($"no buffer with id {bufferId}");
        if (offset < 0 || offset > buffer.Length - length)
            throw new HubException($"window [{offset}, {offset} + {length}) is outside the allocation of {buffer.Length} bytes: offset must be in [0, {Math.Max(0, buffer.Length - length)}]");
        using var lease = limits.OpenStream(Context, MemoryWatch.BytesHeld(length));
        using var hold = buffer.Descriptor.SessionId is { } sessionId ? HoldOrNull(sessionId) : null;
        var watch = new MemoryWatch(buffer, offset, length, options.FrameInterval, options.WatchPollInterval);
        await foreach (var frame in watch.RunAsync(cancellationToken))
            yield return WatchFrame.From(frame);
    }

    private IDisposable? HoldOrNull(string sessionId)
    {
        try { return sessions.Hold(sessionId); }
        catch (NotFoundException) { return null; } // its session is being deleted
    }
}
