using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bufferscope.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// Secure by default, like a notebook server: on loopback no token is needed; bound to any other
/// address (or with RequireToken) every request must carry the token: <c>Authorization: Bearer</c>
/// (API), <c>access_token</c> (the hub, as SignalR sends it), or the cookie a browser gets by
/// opening <c>/?token=...</c> once. The token is Bufferscope:AccessToken, else generated and printed.
/// </summary>
public sealed class AccessGate(BufferscopeOptions options, IServer server, ILogger<AccessGate> log)
{
    public const string Cookie = "bufferscope_token";
    private byte[]? _token;
    private bool _decided;
    private readonly Lock _lock = new();

    /// <summary>The token in force, or null when none is needed.</summary>
    public string? Token { get { Decide(); return _token is null ? null : Encoding.UTF8.GetString(_token); } }

    private void Decide()
    {
        lock (_lock)
        {
            if (_decided)
                return;
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if (addresses.Count == 0)
                return; // not listening yet: decide at the first request that comes after start
            var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
            if (options.RequireToken || exposed.Count > 0)
            {
                var token = string.IsNullOrWhiteSpace(options.AccessToken) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : options.AccessToken;
                _token = Encoding.UTF8.GetBytes(token);
                if (string.IsNullOrWhiteSpace(options.AccessToken))
                    log.LogWarning("Listening on {Addresses}: a token is required. Open {Url}/?token={Token}", string.Join(", ", addresses), addresses.First(), token);
            }
            _decided = true;
        }
    }

    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            return false;
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        Decide();
        if (_token is null || Allowed(context))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(statusCode: 401, title: "Unauthorized",
            detail: "this server needs its access token: send 'Authorization: Bearer <token>', or access_token=<token> for the hub, or open /?token=<token> in a browser").ExecuteAsync(context);
    }

    private bool Allowed(HttpContext context)
    {
        var request = context.Request;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(header["Bearer ".Length..].Trim()))
            return true;
        if (Matches(request.Query["access_token"].ToString()))
            return true;
        if (Matches(request.Cookies[Cookie]))
            return true;
        if (Matches(request.Query["token"].ToString()))
        {
            // A browser opening /?token=...: remember it for the page's own requests and its hub connection.
            context.Response.Cookies.Append(Cookie, request.Query["token"].ToString(), new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
            return true;
        }
        return false;
    }

    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);
}
