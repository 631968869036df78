using System.Net;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// The answer to a request without a valid credential: 401, with a page that explains how to sign
/// in when a browser navigates here, and problem+json for everything else. The page is
/// self-contained (no script, no stylesheet a signed-out browser could not load).
/// </summary>
public static class SignInPage
{
    public const string Detail = "this server needs its access token: send 'Authorization: Bearer <token>' (the API), " +
        "access_token=<token> (the hub, as SignalR clients send it), or open the URL the server printed when it started, " +
        "/?token=<token>, in a browser";

    public static async Task RefuseAsync(HttpContext context, string? reason)
    {
        var response = context.Response;
        if (response.HasStarted)
            return;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.CacheControl = "no-store";
        if (IsNavigation(context.Request))
        {
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(Html(reason));
            return;
        }
        await Results.Problem(statusCode: 401, title: "Unauthorized", detail: reason is null ? Detail : $"{reason} {char.ToUpperInvariant(Detail[0])}{Detail[1..]}").ExecuteAsync(context);
    }

    private static bool IsNavigation(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && (request.Headers["Sec-Fetch-Mode"] == "navigate" || request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal));

    private static string Html(string? reason) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Bufferscope: sign in</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f5f5f5; color: #212121; }
          main { max-width: 34rem; margin: 12vh auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
          h1 { font-size: 1.4rem; margin-top: 0; } code { background: #eee; padding: 0 .25em; border-radius: 3px; white-space: nowrap; }
          .reason { color: #b71c1c; } form { display: flex; gap: .5rem; margin-top: 1rem; }
          input { flex: 1; font: inherit; padding: .4rem .6rem; border: 1px solid #9e9e9e; border-radius: 4px; min-width: 0; }
          button { font: inherit; padding: .4rem 1rem; border: 0; border-radius: 4px; background: #594ae2; color: #fff; cursor: pointer; }
        </style></head>
        <body><main data-testid="sign-in">
        <h1>Bufferscope needs its access token</h1>
        {{(reason is null ? "" : $"<p class=\"reason\">{WebUtility.HtmlEncode(reason)}</p>")}}
        <p>Open the address the server printed when it started, <code>http://…/?token=…</code>, or paste the token here.
        The token is the server's <code>Bufferscope:AccessToken</code> when one is configured.</p>
        <form method="get"><input name="token" type="password" autocomplete="off" placeholder="access token" aria-label="access token" required autofocus>
        <button type="submit">Sign in</button></form>
        </main></body></html>
        """;
}
