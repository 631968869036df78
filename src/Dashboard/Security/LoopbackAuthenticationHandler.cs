using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// Only with Bufferscope:RequireToken=false: a request that both arrives on and comes from a
/// loopback address is let in without a token. Checked per connection as well as at start, so a
/// listener on any other address still asks for the token whatever the configuration said.
/// </summary>
public sealed class LoopbackAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Loopback";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var connection = Context.Connection;
        if (connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local) && connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ClientIdentity.Principal("loopback:" + remote, SchemeName), SchemeName)));
        return Task.FromResult(AuthenticateResult.NoResult());
    }
}
