using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

/// <summary>A token where one is required (off loopback, or RequireToken); limits on runs per client.</summary>
public sealed class SecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Token_Required_ApiHubAndBrowserNeedIt()
    {
        var (app, address) = await ServerFixture.StartAsync("--Bufferscope:RequireToken=true", "--Bufferscope:AccessToken=s3cret-token");
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = address };

        var anonymous = await http.GetAsync("/api/sessions", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("access token", await anonymous.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/", Ct)).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/sessions", Ct)).StatusCode);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        var created = await http.PostAsJsonAsync("/api/sessions", new { name = "secure" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sid = (await created.Content.ReadFromJsonAsync<Api.Contracts.SessionDto>(ServerFixture.Json, Ct))!.Id;

        // A browser opens /?token=... once and keeps a cookie for the page's requests.
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/?token=s3cret-token", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/sessions", Ct)).StatusCode);

        await using var denied = new HubConnectionBuilder().WithUrl(new Uri(address, "/hubs/buffers")).Build();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => denied.StartAsync(Ct));
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(address, "/hubs/buffers"),
            (HttpConnectionOptions o) => o.AccessTokenProvider = () => Task.FromResult<string?>("s3cret-token")).Build();
        await hub.StartAsync(Ct);
        var stream = hub.StreamAsync<HubEvent>("Events", sid, Ct).GetAsyncEnumerator(Ct);
        var next = stream.MoveNextAsync().AsTask();
        for (var i = 0; !next.IsCompleted && i < 100; i++)
        {
            await http.PostAsJsonAsync($"/api/sessions/{sid}/buffers", new { name = $"b{i}", shape = new[] { 1 } }, Ct);
            await Task.WhenAny(next, Task.Delay(100, Ct));
        }
        Assert.True(await next);
        Assert.Equal("bufferCreated", stream.Current.Kind);
        await stream.DisposeAsync();
    }

    [Fact]
    public void Loopback_IsRecognised()
    {
        Assert.True(Security.AccessGate.IsLoopback("http://127.0.0.1:5080"));
        Assert.True(Security.AccessGate.IsLoopback("http://localhost:5080"));
        Assert.True(Security.AccessGate.IsLoopback("http://[::1]:5080"));
        Assert.False(Security.AccessGate.IsLoopback("http://0.0.0.0:5080"));
        Assert.False(Security.AccessGate.IsLoopback("http://*:5080"));
        Assert.False(Security.AccessGate.IsLoopback("http://+:5080"));
        Assert.False(Security.AccessGate.IsLoopback("http://192.168.1.4:5080"));
    }

    [Fact]
    public async Task Runs_OverThePerMinuteLimit_Get429()
    {
        var (app, address) = await ServerFixture.StartAsync("--Bufferscope:Limits:RunsPerMinute=3");
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = address };
        var sid = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "limited" }, Ct)).Content.ReadFromJsonAsync<Api.Contracts.SessionDto>(ServerFixture.Json, Ct))!.Id;
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"/api/sessions/{sid}/run", new { code = "1" }, Ct)).StatusCode);
        var refused = await http.PostAsJsonAsync($"/api/sessions/{sid}/run", new { code = "1" }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("RunsPerMinute", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal("60", refused.Headers.RetryAfter!.ToString());
    }
}
