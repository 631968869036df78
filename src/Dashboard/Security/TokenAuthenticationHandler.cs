using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// Clients that are not a browser: <c>Authorization: Bearer &lt;credential&gt;</c>, or on the hub
/// <c>access_token=&lt;credential&gt;</c> (how SignalR clients send it over WebSockets). The
/// credential is the access token (the client is then <see cref="ClientIdentity.TokenHolder"/>) or a
/// server-signed ticket, the same as a browser's cookie: the dashboard's circuit calls the API with
/// its browser's ticket, so it counts as that browser. Its challenge is every refusal's answer:
/// 401, as a sign-in page to a browser's navigation and as problem+json to everything else.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AccessToken token, IOptionsMonitor<CookieAuthenticationOptions> cookies, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";

    /// <summary>The credential a request presents in the header (or, on the hub, the query), or null.</summary>
    public static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
        if (request.Path.StartsWithSegments(Hubs.BufferHub.Path) && request.Query.TryGetValue("access_token", out var query))
            return query.ToString();
        return null;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(Request);
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (token.Matches(presented))
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ClientIdentity.Principal(ClientIdentity.TokenHolder, SchemeName), SchemeName)));
        var ticket = cookies.Get(SecurityServices.CookieScheme).TicketDataFormat.Unprotect(presented);
        if (ticket?.Principal.FindFirst(ClientIdentity.ClaimType) is not null && ticket.Properties.ExpiresUtc > clock.GetUtcNow())
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ticket.Principal, SchemeName)));
        return Task.FromResult(AuthenticateResult.Fail("the credential sent is neither this server's access token nor a ticket it signed"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await SignInPage.RefuseAsync(Context, result.Failure is null ? null : "The credential sent is not this server's access token.");
    }
}
