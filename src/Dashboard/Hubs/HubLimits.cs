using Bufferscope.Core;
using Bufferscope.Dashboard.Security;
using Microsoft.AspNetCore.SignalR;

namespace Bufferscope.Dashboard.Hubs;

/// <summary>
/// What one client may hold open on the hub: connections per client (<see cref="ClientIdentity"/>),
/// streams per connection, and the bytes all memory watches hold together. Each refusal is a
/// <see cref="HubException"/> naming the limit and its setting. Everything taken is given back
/// exactly once, when the stream ends or the connection goes, so a client that opens streams and
/// never reads costs at most its bounded share, and nothing after it leaves.
/// </summary>
public sealed class HubLimits(BufferscopeOptions options)
{
    private const string ClientKey = "bufferscope.client";
    private const string StreamsKey = "bufferscope.streams";
    private readonly Dictionary<string, int> _connections = [];
    private long _watchBytes;
    private int _streams;
    private int _connectionCount;

    /// <summary>Bytes held for memory watches now.</summary>
    public long WatchBytes => Interlocked.Read(ref _watchBytes);

    /// <summary>Streams open now, on all connections.</summary>
    public int Streams => Volatile.Read(ref _streams);

    /// <summary>Hub connections open now, of all clients.</summary>
    public int Connections => Volatile.Read(ref _connectionCount);

    public void Connect(HubCallerContext context)
    {
        var client = ClientIdentity.Of(context.User, context.GetHttpContext());
        var max = options.Limits.MaxConnectionsPerClient;
        lock (_connections)
        {
            var open = _connections.GetValueOrDefault(client);
            if (open >= max)
                throw new HubException($"this client already has {open} hub connections open, the most allowed (Bufferscope:Limits:MaxConnectionsPerClient); close one first");
            _connections[client] = open + 1;
            _connectionCount++;
        }
        context.Items[ClientKey] = client;
        context.Items[StreamsKey] = new StreamCount();
    }

    public void Disconnect(HubCallerContext context)
    {
        if (context.Items[ClientKey] is not string client)
            return; // refused at connect: nothing was counted
        context.Items.Remove(ClientKey);
        lock (_connections)
        {
            var open = _connections.GetValueOrDefault(client) - 1;
            if (open > 0) _connections[client] = open;
            else _connections.Remove(client);
            _connectionCount--;
        }
    }

    /// <summary>Takes one stream of the connection's allowance and <paramref name="watchBytes"/> of the watch budget, or refuses.</summary>
    public Lease OpenStream(HubCallerContext context, long watchBytes = 0)
    {
        var streams = (StreamCount)context.Items[StreamsKey]!;
        var max = options.Limits.MaxStreamsPerConnection;
        if (Interlocked.Increment(ref streams.Open) > max)
        {
            Interlocked.Decrement(ref streams.Open);
            throw new HubException($"this connection already has {max} streams open, the most allowed (Bufferscope:Limits:MaxStreamsPerConnection); end one first");
        }
        if (watchBytes > 0)
        {
            var budget = options.Limits.MaxTotalWatchBytes;
            var after = Interlocked.Add(ref _watchBytes, watchBytes);
            if (after > budget)
            {
                Interlocked.Add(ref _watchBytes, -watchBytes);
                Interlocked.Decrement(ref streams.Open);
                throw new HubException($"this watch holds {watchBytes} bytes while it runs, but only {Math.Max(0, budget - (after - watchBytes))} of the {budget} allowed for all watches are free " +
                                       "(Bufferscope:Limits:MaxTotalWatchBytes); end other watches or watch a smaller window");
            }
        }
        Interlocked.Increment(ref _streams);
        return new Lease(this, streams, watchBytes);
    }

    internal sealed class StreamCount
    {
        public int Open;
    }

    /// <summary>Gives its stream and bytes back once, however often it is disposed.</summary>
    public sealed class Lease : IDisposable
    {
        private HubLimits? _limits;
        private readonly StreamCount _streams;
        private readonly long _watchBytes;

        internal Lease(HubLimits limits, StreamCount streams, long watchBytes) => (_limits, _streams, _watchBytes) = (limits, streams, watchBytes);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _limits, null) is not { } limits)
                return;
            Interlocked.Decrement(ref _streams.Open);
            Interlocked.Decrement(ref limits._streams);
            Interlocked.Add(ref limits._watchBytes, -_watchBytes);
        }
    }
}
