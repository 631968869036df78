using Bufferscope.Core;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// Jupyter's <c>check_origin</c> for every request a page can make: a request that carries an
/// <c>Origin</c> (a WebSocket upgrade, a fetch or form post from a page) must come from this
/// server's own origin (scheme, host and port of the request itself) or one in
/// Bufferscope:AllowedOrigins; any other is 403 before it is upgraded or reaches an endpoint.
/// Requests with no Origin (curl, .NET clients, the dashboard's own circuit) are not a page's.
/// </summary>
public sealed class OriginCheck(BufferscopeOptions options)
{
    private readonly HashSet<string> _allowed = new(options.AllowedOrigins.Select(Normalise).OfType<string>(), StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || IsAllowed(context.Request, origin))
        {
            await next(context);
            return;
        }
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Origin not allowed",
            detail: $"a page from '{origin}' may not call this server: only its own pages ({context.Request.Scheme}://{context.Request.Host}) may. " +
                    "To let another origin in, add it to Bufferscope:AllowedOrigins.").ExecuteAsync(context);
    }

    public bool IsAllowed(HttpRequest request, string origin)
    {
        var normal = Normalise(origin);
        return normal is not null && (normal == Normalise($"{request.Scheme}://{request.Host}") || _allowed.Contains(normal));
    }

    /// <summary>scheme://host:port in lower case with the port always written, or null for <c>null</c> and anything not an origin.</summary>
    private static string? Normalise(string origin) =>
        Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Query.Length == 0
            ? $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}"
            : null;
}
