using System.Net.Http.Json;
using System.Text.Json;
using Bufferscope.Dashboard.Api.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(Bufferscope.Dashboard.Tests.ServerFixture))]

namespace Bufferscope.Dashboard.Tests;

/// <summary>The real server on 127.0.0.1, a free port, started once for the test process.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        (App, BaseAddress) = await StartAsync(
            "--Bufferscope:Limits:RunsPerMinute=100000",
            "--Bufferscope:Limits:MaxBufferBytes=1073741824",
            "--Bufferscope:Limits:MaxTotalBytes=3221225472",
            "--Bufferscope:Limits:MaxSessions=10000",
            "--Bufferscope:Limits:MaxWatchBytes=65536");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = Timeout };
    }

    /// <summary>Starts a server (one Python per process is shared by all of them) with extra settings.</summary>
    public static async Task<(WebApplication, Uri)> StartAsync(params string[] settings)
    {
        var app = DashboardWebApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. settings]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    public HubConnection Hub(bool messagePack = false, string? token = null)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(BaseAddress, "/hubs/buffers"), o =>
        {
            if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        });
        if (messagePack) builder.AddMessagePackProtocol();
        return builder.Build();
    }

    public async Task<SessionDto> NewSessionAsync(string name = "test")
    {
        var response = await Http.PostAsJsonAsync("/api/sessions", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionDto>(Json))!;
    }

    public async Task<BufferDto> NewBufferAsync(string session, object spec)
    {
        var response = await Http.PostAsJsonAsync($"/api/sessions/{session}/buffers", spec);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<BufferDto>(Json))!;
    }

    public async Task<RunResponse> RunAsync(string session, string code)
    {
        var response = await Http.PostAsJsonAsync($"/api/sessions/{session}/run", new { code });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var run = (await response.Content.ReadFromJsonAsync<RunResponse>(Json))!;
        Assert.True(run.Ok, $"{code}\n---\n{run.Error?.Traceback}");
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
