using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// The real server in this process on 127.0.0.1 and a free port, configured as a user would
/// configure theirs: its own access token (as BUFFERSCOPE_TOKEN would set it) and its own data
/// directory, removed when the server is disposed. Clients sign in with the token.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly bool _ownsData;

    private TestServer(WebApplication app, Uri baseAddress, string token, string dataDirectory, bool ownsData)
    {
        App = app;
        BaseAddress = baseAddress;
        Token = token;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public string Token { get; }
    public string DataDirectory { get; }

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static string NewDataDirectory() => Directory.CreateTempSubdirectory("bufferscope-test-").FullName;

    /// <summary>Starts a server (one Python per process is shared by all of them) with extra settings; a setting given wins over the defaults here.</summary>
    public static async Task<TestServer> StartAsync(params string[] settings)
    {
        var token = settings.FirstOrDefault(s => s.StartsWith("--Bufferscope:AccessToken=", StringComparison.Ordinal))?.Split('=', 2)[1] ?? NewToken();
        var data = settings.FirstOrDefault(s => s.StartsWith("--Bufferscope:DataDirectory=", StringComparison.Ordinal))?.Split('=', 2)[1];
        var ownsData = data is null;
        data ??= NewDataDirectory();
        // No warm kernel unless asked for: most servers here live for one test and make few sessions,
        // and a kernel started for nothing is a second of CPU the tests beside it need.
        var app = DashboardWebApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
            $"--Bufferscope:AccessToken={token}", $"--Bufferscope:DataDirectory={data}", "--Bufferscope:Kernels:Warm=0", .. settings]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, new Uri(address), token, data, ownsData);
    }

    /// <summary>An API client: with the token as a bearer, or with no credential at all.</summary>
    public HttpClient Client(bool withToken = true, HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = BaseAddress;
        http.Timeout = TimeSpan.FromSeconds(30);
        if (withToken)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    /// <summary>A hub connection that sends <paramref name="token"/> (the server's own by default; null: none).</summary>
    public HubConnection Hub(bool messagePack = false, string? token = "", Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? configure = null)
    {
        var credential = token == "" ? Token : token;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(BaseAddress, "/hubs/buffers"), o =>
        {
            if (credential is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(credential);
            configure?.Invoke(o);
        });
        if (messagePack) builder.AddMessagePackProtocol();
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsData)
            Directory.Delete(DataDirectory, recursive: true);
    }
}
