using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bufferscope.Dashboard.Client;

/// <summary>
/// Where the dashboard's client connects: Bufferscope:Dashboard:ServerUrl when set (a dashboard
/// watching a buffer host elsewhere), else this server's own first address, with a wildcard host
/// replaced by loopback. <see cref="Token"/> is Bufferscope:Dashboard:ServerToken for another
/// server; for this one it is null, and each circuit signs in with its browser's ticket.
/// </summary>
public sealed class ServerEndpoint(Uri baseAddress, string? token)
{
    public Uri BaseAddress { get; } = baseAddress;
    public string? Token { get; } = token;

    public static ServerEndpoint Resolve(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IConfiguration>()["Bufferscope:Dashboard:ServerUrl"];
        if (!string.IsNullOrWhiteSpace(configured))
            return new ServerEndpoint(WithSlash(new Uri(configured)), services.GetRequiredService<IConfiguration>()["Bufferscope:Dashboard:ServerToken"]);
        return new ServerEndpoint(OwnAddress(services.GetRequiredService<IServer>()), null);
    }

    /// <summary>This server's first address (http first), a wildcard host replaced by loopback, with a trailing slash.</summary>
    public static Uri OwnAddress(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("the server has no addresses yet");
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.First();
        address = address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://[::1]", StringComparison.Ordinal);
        return WithSlash(new Uri(address));
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
