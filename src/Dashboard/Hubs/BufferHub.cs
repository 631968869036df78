using System.Runtime.CompilerServices;
using Bufferscope.Core;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;
using Microsoft.AspNetCore.SignalR;

namespace Bufferscope.Dashboard.Hubs;

/// <summary>
/// /hubs/buffers, the one live contract: the dashboard reads it exactly as any other client does.
/// Three server-to-client streams, each ended by the client cancelling it, within the
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

    /// <summary>
    /// A session's state, then every change to it (the Aspire dashboard's shape): one atomic
    /// subscribe, so no change can fall between loading and following. What the dashboard's
    /// session page runs on.
    /// </summary>
    public async IAsyncEnumerable<SessionUpdate> Subscribe(string sessionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IDisposable hold;
        try { hold = sessions.Hold(sessionId); }
        catch (NotFoundException e) { throw new HubException(e.Message); }
        using var _ = hold;
        using var lease = limits.OpenStream(Context);
        var snapshot = await Snapshot(() => sessions.SubscribeAsync(sessionId));
        using var changes = snapshot.Changes;
        yield return new SessionUpdate(Dto(snapshot), null);
        var dropped = snapshot.Dropped;
        await foreach (var batch in changes.ReadAllAsync(cancellationToken))
        {
            if (changes.Dropped != dropped)
            {
                // This client fell behind and batches were dropped: what it holds is no longer
                // the session's state. A fresh one replaces it (the events before it are stale).
                var again = await Snapshot(() => sessions.SnapshotAsync(sessionId, changes));
                dropped = again.Dropped;
                yield return new SessionUpdate(Dto(again), null);
                continue;
            }
            yield return new SessionUpdate(null, [.. batch.Select(HubEvent.From)]);
        }
    }

    private static async Task<SessionSnapshot> Snapshot(Func<Task<SessionSnapshot>> take)
    {
        try { return await take(); }
        catch (Exception e) when (e is NotFoundException or KernelDiedException) { throw new HubException(e.Message); }
    }

    private SessionSnapshotDto Dto(SessionSnapshot s) =>
        new(Api.Contracts.SessionDto.From(s.Session, s.Kernel), [.. s.Buffers.Select(Api.Contracts.BufferDto.From)]);

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

    /// <summary>
    /// A 2-D buffer's picture, whole and live: its last two dimensions (leading indices 0) as at most
    /// width × height cells, computed where the memory is, at once and then whenever it changes, at
    /// most FrameRate times a second. However large the buffer, a frame is the cells only.
    /// </summary>
    public async IAsyncEnumerable<PictureDto> WatchPicture(long bufferId, int width, int height, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (width is < 1 or > Picture.MaxSide || height is < 1 or > Picture.MaxSide)
            throw new HubException($"a picture of {width} × {height} cells is not allowed: each side is 1 to {Picture.MaxSide}");
        var buffer = await sessions.WatchedAsync(bufferId) ?? throw new HubException($"no buffer with id {bufferId}");
        var d = buffer.Descriptor;
        var layout = Core.Buffers.BufferLayout.Create(Core.Buffers.StructFormat.Parse(d.Format), d.Shape, d.Order, d.Strides, d.Offset);
        if (Picture.Refusal(layout) is { } why)
            throw new HubException($"buffer {bufferId} ({d.Name}) has no picture: {why}");
        // Held: the cells (4 bytes each) of the picture drawn and the one last sent, and the per-cell sums.
        using var lease = limits.OpenStream(Context, 16L * width * height);
        using var hold = d.SessionId is { } sessionId ? HoldOrNull(sessionId) : null;
        var watch = new PictureWatch(buffer, width, height, options.FrameInterval);
        await foreach (var frame in watch.RunAsync(cancellationToken))
            yield return PictureDto.From(frame);
    }

    private IDisposable? HoldOrNull(string sessionId)
    {
        try { return sessions.Hold(sessionId); }
        catch (NotFoundException) { return null; } // its session is being deleted
    }
}
