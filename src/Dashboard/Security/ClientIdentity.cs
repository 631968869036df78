using System.Security.Claims;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// Who a request is, for budgets (runs per minute, hub connections): one signed-in browser (its
/// ticket's id, the same for the page's own circuit), the API token's holder, or, with the token
/// turned off, a loopback address. Never the IP alone, so the dashboard's circuit does not share
/// a budget with every other local client.
/// </summary>
public static class ClientIdentity
{
    /// <summary>The claim that names the client: <c>browser:&lt;id&gt;</c>, <c>token</c> or <c>loopback:&lt;ip&gt;</c>.</summary>
    public const string ClaimType = ClaimTypes.NameIdentifier;

    public const string TokenHolder = "token";

    public static string NewBrowser() => "browser:" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static ClaimsPrincipal Principal(string client, string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimType, client)], scheme));

    public static string Of(ClaimsPrincipal? user, HttpContext? context) =>
        user?.FindFirst(ClaimType)?.Value ?? "ip:" + (context?.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    public static string Of(HttpContext context) => Of(context.User, context);
}
