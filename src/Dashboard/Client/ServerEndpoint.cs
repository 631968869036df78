using Bufferscope.Dashboard.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bufferscope.Dashboard.Client;

/// <summary>
/// Where the dashboard's client connects: Bufferscope:Dashboard:ServerUrl when set (a dashboard
/// watching a buffer host elsewhere), else this server's own first address, with a wildcard host
/// replaced by loopback. The token is this server's when it needs one.
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
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("the server has no addresses yet");
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.First();
        address = address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://[::1]", StringComparison.Ordinal);
        return new ServerEndpoint(WithSlash(new Uri(address)), services.GetRequiredService<AccessGate>().Token);
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
