using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// What the dashboard's circuit shows its own server: a ticket for the browser the circuit belongs
/// to, signed like that browser's cookie, so the page's API calls and hub streams count against
/// that browser's budgets and nobody else's. One per circuit; renewed before it expires.
/// </summary>
public sealed class CircuitCredential(AuthenticationStateProvider authentication, IOptionsMonitor<CookieAuthenticationOptions> cookies, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private (string Ticket, DateTimeOffset Renew)? _current;

    /// <summary>The ticket, or null when the circuit's browser is not signed in (RequireToken=false).</summary>
    public async ValueTask<string?> GetAsync()
    {
        var now = clock.GetUtcNow();
        if (_current is { } current && current.Renew > now)
            return current.Ticket;
        var user = (await authentication.GetAuthenticationStateAsync().ConfigureAwait(false)).User;
        if (user.FindFirst(ClientIdentity.ClaimType) is null)
            return null;
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + Lifetime };
        var ticket = cookies.Get(SecurityServices.CookieScheme).TicketDataFormat.Protect(new AuthenticationTicket(user, properties, SecurityServices.CookieScheme));
        _current = (ticket, now + Lifetime / 2);
        return ticket;
    }
}
