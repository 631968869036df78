using System.Net;
using Bufferscope.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// Against DNS rebinding (a web page whose own name resolves to 127.0.0.1): a request must name
/// this server as <c>localhost</c>, a loopback address, an address it is bound to (any IP address
/// when it is bound to all of them) or a name in Bufferscope:AllowedHosts. Anything else gets 403
/// before it reaches the API, the UI, the hub or <c>/_blazor</c>. <c>/healthz</c> answers any
/// Host, but with no more than <c>{"status"}</c>.
/// </summary>
public sealed class HostCheck(BufferscopeOptions options, IServer server)
{
    public const string HealthPath = "/healthz";
    private readonly string[] _allowed = [.. options.AllowedHosts.Select(h => h.Trim().TrimEnd('.').ToLowerInvariant()).Where(h => h.Length > 0)];
    private (IPAddress[] Bound, bool Wildcard)? _addresses;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var host = context.Request.Host.Host;
        if (IsAllowed(host))
        {
            await next(context);
            return;
        }
        if (context.Request.Path.Equals(HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            await Results.Json(new { status = "ok" }).ExecuteAsync(context);
            return;
        }
        var named = host.Length == 0 ? "no Host" : $"Host '{host}'";
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Host not allowed",
            detail: $"this server answers requests for localhost, 127.0.0.1, [::1] or the address it is bound to; {named} is none of these. " +
                    "If that name is really this server, add it to Bufferscope:AllowedHosts.").ExecuteAsync(context);
    }

    public bool IsAllowed(string host)
    {
        var name = host.TrimEnd('.').ToLowerInvariant();
        if (name.Length == 0)
            return false;
        if (name == "localhost" || _allowed.Any(a => a == "*" || a == name || (a.StartsWith("*.", StringComparison.Ordinal) && name.EndsWith(a[1..], StringComparison.Ordinal))))
            return true;
        // Only an address literal can pass from here on: a rebinding attack needs a name. IPv4 only
        // in its dotted-quad form: no browser sends 127.1 or 2130706433, which TryParse also takes.
        if (!IPAddress.TryParse(name.Trim('[', ']'), out var ip)
            || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.ToString() != name))
            return false;
        if (IPAddress.IsLoopback(ip))
            return true;
        var (bound, wildcard) = Addresses();
        return wildcard || bound.Any(b => b.Equals(ip));
    }

    private (IPAddress[] Bound, bool Wildcard) Addresses()
    {
        if (_addresses is { } known)
            return known;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var bound = new List<IPAddress>();
        var wildcard = false;
        foreach (var address in addresses)
        {
            var host = BindingAddress.HostOf(address);
            if (host is "*" or "+" or "0.0.0.0" or "::")
                wildcard = true;
            else if (IPAddress.TryParse(host, out var ip))
                bound.Add(ip);
        }
        var result = (bound.ToArray(), wildcard);
        if (addresses.Count > 0)
            _addresses = result; // known once listening; asked again until then
        return result;
    }
}
