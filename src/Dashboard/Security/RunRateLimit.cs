using System.Collections.Concurrent;
using Bufferscope.Core;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// At most Bufferscope:Limits:RunsPerMinute console runs per client (<see cref="ClientIdentity"/>:
/// a signed-in browser with its page's circuit, or the token's holder) per minute, as a fixed
/// window counted when a run arrives. ASP.NET's partitioned rate limiter replenishes on a 100 ms
/// timer whether or not anyone calls: that alone cost 3 % of a core on an idle server here.
/// </summary>
public sealed class RunRateLimit(BufferscopeOptions options) : IEndpointFilter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Counter> _clients = new();

    private sealed class Counter
    {
        public DateTime Start;
        public int Count;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var client = ClientIdentity.Of(http);
        var now = DateTime.UtcNow;
        if (_clients.Count > 10_000)
            foreach (var (key, old) in _clients)
                if (now - old.Start >= Window) _clients.TryRemove(key, out _); // forget clients whose window ended
        var counter = _clients.GetOrAdd(client, _ => new Counter { Start = now });
        bool allowed;
        lock (counter)
        {
            if (now - counter.Start >= Window)
                (counter.Start, counter.Count) = (now, 0);
            allowed = ++counter.Count <= Math.Max(1, options.Limits.RunsPerMinute);
        }
        if (allowed)
            return await next(context);
        http.Response.Headers.RetryAfter = "60";
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many runs",
            detail: $"at most {options.Limits.RunsPerMinute} console runs a minute per client (Bufferscope:Limits:RunsPerMinute); try again in a minute");
    }
}
