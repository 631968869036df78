using System.Net.Http.Json;
using System.Text.Json;
using Bufferscope.Dashboard.Api.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;

[assembly: AssemblyFixture(typeof(Bufferscope.Dashboard.Tests.ServerFixture))]

namespace Bufferscope.Dashboard.Tests;

/// <summary>The real server on 127.0.0.1, a free port, started once for the test process; its clients sign in with its token.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TestServer Server { get; private set; } = null!;
    public WebApplication App => Server.App;
    public Uri BaseAddress => Server.BaseAddress;
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TestServer.StartAsync(
            "--Bufferscope:Limits:RunsPerMinute=100000",
            "--Bufferscope:Limits:MaxBufferBytes=1073741824",
            "--Bufferscope:Limits:MaxTotalBytes=3221225472",
            "--Bufferscope:Limits:MaxSessions=10000",
            "--Bufferscope:Limits:MaxWatchBytes=65536",
            "--Bufferscope:Kernels:Warm=1");
        Http = Server.Client();
    }

    public HubConnection Hub(bool messagePack = false) => Server.Hub(messagePack);

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

    public Task<RunResponse> RunAsync(string session, string code) => RunAsync(Http, session, code);

    /// <summary>A run on any test server: answered 2xx, and (unless <paramref name="mustSucceed"/> is false) without a Python error.</summary>
    public static async Task<RunResponse> RunAsync(HttpClient http, string session, string code, bool mustSucceed = true)
    {
        var response = await http.PostAsJsonAsync($"/api/sessions/{session}/run", new { code }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var run = (await response.Content.ReadFromJsonAsync<RunResponse>(Json, TestContext.Current.CancellationToken))!;
        if (mustSucceed)
            Assert.True(run.Ok, $"{code}\n---\n{run.Error?.Traceback}");
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
