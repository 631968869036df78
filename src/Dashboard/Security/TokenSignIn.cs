using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// A browser opening any page with <c>?token=&lt;token&gt;</c> (the URL the server prints) is signed
/// in: it gets a cookie holding a server-signed ticket, never the token, and is redirected to the
/// same address without <c>token</c>, so the secret leaves the address bar, history and bookmarks.
/// </summary>
public sealed class TokenSignIn(AccessToken token)
{
    public const string QueryKey = "token";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !request.Query.TryGetValue(QueryKey, out var presented))
        {
            await next(context);
            return;
        }
        if (!token.Matches(presented.ToString()))
        {
            await SignInPage.RefuseAsync(context, "The token in this address is not this server's.");
            return;
        }
        // Signed in already (another tab): keep that identity, and so its budgets.
        var client = context.User.FindFirst(ClientIdentity.ClaimType)?.Value is { } known && known.StartsWith("browser:", StringComparison.Ordinal)
            ? known : ClientIdentity.NewBrowser();
        await context.SignInAsync(SecurityServices.CookieScheme, ClientIdentity.Principal(client, SecurityServices.CookieScheme),
            new AuthenticationProperties { IsPersistent = true });
        // The query matches keys in any case (?TOKEN=): so does what is taken out, or the redirect would loop.
        var rest = new QueryBuilder(request.Query.Where(q => !q.Key.Equals(QueryKey, StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))));
        context.Response.Headers.CacheControl = "no-store";
        // One leading slash only: "//evil.example/" would be a redirect to another site.
        var path = "/" + (request.PathBase + request.Path).ToString().TrimStart('/', '\\');
        context.Response.Redirect(path + rest.ToQueryString());
    }
}
