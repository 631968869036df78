using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// Web security on a real Kestrel: the token on loopback, the Host check (DNS rebinding), the
/// Origin check (other sites' pages and WebSockets), the browser's ticket cookie, hub limits and
/// budgets per client.
/// </summary>
public sealed class SecurityTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static readonly TheoryData<string, string> Endpoints = new()
    {
        { "GET", "/" },
        { "GET", "/api/sessions" },
        { "POST", "/api/sessions/x/run" },
        { "POST", "/hubs/buffers/negotiate?negotiateVersion=1" },
        { "POST", "/_blazor/negotiate?negotiateVersion=1" },
        { "GET", "/openapi/v1.json" },
        { "GET", "/scalar/v1" },
        // Scalar.AspNetCore maps its script as anonymous; the server asks for the token all the same.
        { "GET", "/scalar/scalar.js" },
        { "GET", "/_content/MudBlazor/MudBlazor.min.css" },
    };

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? JsonContent.Create(new { code = "__import__('os').getpid()" }) : null,
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task NoToken_OnLoopback_Is401(string method, string path)
    {
        using var anonymous = server.Server.Client(withToken: false);
        var response = await anonymous.SendAsync(Request(method, path), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("access token", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task WrongToken_Is401_AndSaysSo()
    {
        using var wrong = server.Server.Client(withToken: false);
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", TestServer.NewToken());
        var response = await wrong.GetAsync("/api/sessions", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not this server's access token", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task BrowserWithoutToken_GetsTheSignInPage()
    {
        using var anonymous = server.Server.Client(withToken: false);
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var page = await anonymous.GetAsync("/sessions/abc", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Bufferscope needs its access token", html);
        Assert.Contains("<form method=\"get\">", html);
        var wrong = await anonymous.GetAsync("/?token=" + TestServer.NewToken(), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("The token in this address is not this server&#39;s.", await wrong.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ForeignHost_Is403_EvenWithTheToken(string method, string path)
    {
        using var http = server.Server.Client();
        foreach (var host in new[] { "evil.example", $"evil.example:{server.BaseAddress.Port}", "127.0.0.1.nip.io", "localhost.evil.example" })
        {
            var request = Request(method, path);
            request.Headers.Host = host;
            var response = await http.SendAsync(request, Ct);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("Host not allowed", problem.GetProperty("title").GetString());
            Assert.Contains("Bufferscope:AllowedHosts", problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("127.0.0.2")]
    public async Task LoopbackHost_IsServed(string host)
    {
        using var http = server.Server.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Host = $"{host}:{server.BaseAddress.Port}";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
    }

    [Fact]
    public async Task ForeignHost_Healthz_SaysOnlyStatus()
    {
        using var anonymous = server.Server.Client(withToken: false);
        var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = "evil.example";
        var response = await anonymous.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync(Ct));
        // Its own Host: which interpreter, for run.sh and people, without a token.
        var own = await anonymous.GetFromJsonAsync<JsonElement>("/healthz", Ct);
        Assert.Equal("ok", own.GetProperty("status").GetString());
        Assert.True(own.TryGetProperty("python", out _));
    }

    [Fact]
    public async Task AllowedHosts_LetsThatNameIn()
    {
        await using var named = await TestServer.StartAsync("--Bufferscope:AllowedHosts:0=bufferscope.lan");
        using var http = named.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Host = "bufferscope.lan";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
        var other = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        other.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(other, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1")] // another port is another origin
    public async Task WebSocketUpgrade_FromForeignOrigin_IsRefusedBefore101(string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + server.Server.Token);
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/hubs/buffers"), Ct));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);

        using var blazor = new ClientWebSocket();
        blazor.Options.SetRequestHeader("Origin", origin);
        blazor.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => blazor.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/_blazor"), Ct));
        Assert.Equal(HttpStatusCode.Forbidden, blazor.HttpStatusCode);
    }

    [Fact]
    public async Task WebSocketUpgrade_FromOwnOrigin_IsAccepted()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", $"http://{server.BaseAddress.Authority}");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + server.Server.Token);
        await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/hubs/buffers"), Ct);
        Assert.Equal(WebSocketState.Open, socket.State);
        socket.Abort();
    }

    [Fact]
    public async Task CrossOriginPost_IsRefused_AndNoCorsHeaders()
    {
        var s = await server.NewSessionAsync("origin");
        using var http = server.Server.Client();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/{s.Id}/run") { Content = JsonContent.Create(new { code = "1" }) };
        request.Headers.Add("Origin", "http://evil.example");
        var refused = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Bufferscope:AllowedOrigins", await refused.Content.ReadAsStringAsync(Ct));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/sessions");
        preflight.Headers.Add("Origin", $"http://{server.BaseAddress.Authority}");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        Assert.False((await http.SendAsync(preflight, Ct)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AllowedOrigins_GetCors_AndOthersStillRefused()
    {
        await using var open = await TestServer.StartAsync("--Bufferscope:AllowedOrigins:0=http://tools.example:8080");
        using var http = open.Client();
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/sessions");
        preflight.Headers.Add("Origin", "http://tools.example:8080");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await http.SendAsync(preflight, Ct);
        Assert.Equal("http://tools.example:8080", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Add("Origin", "http://tools.example:8080");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
        var other = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        other.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(other, Ct)).StatusCode);
    }

    /// <summary>Opens <paramref name="url"/> as a browser does: the ticket cookie it is given, and where it is sent on.</summary>
    private static async Task<(CookieContainer Cookies, HttpResponseMessage Response)> SignInAsync(TestServer target, string url)
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = target.BaseAddress };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        return (cookies, await browser.GetAsync(url, Ct));
    }

    private static HttpClient Browser(TestServer target, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = target.BaseAddress };

    [Fact]
    public async Task TokenUrl_SetsTicketCookie_AndRedirectsWithoutToken()
    {
        var (cookies, response) = await SignInAsync(server.Server, $"/sessions/abc?view=hex&token={server.Server.Token}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sessions/abc?view=hex", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(cookies.GetAllCookies());
        Assert.True(cookie.HttpOnly);
        Assert.StartsWith("bufferscope_ticket", cookie.Name);
        Assert.DoesNotContain(server.Server.Token, cookie.Value);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        using var browser = Browser(server.Server, cookies);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/sessions", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/", "/evil.example/")]
    [InlineData("///evil.example/x", "/evil.example/x")]
    [InlineData("/sessions/a", "/sessions/a")]
    public async Task TokenUrl_RedirectsOnlyWithinThisServer(string path, string location)
    {
        // An absolute URI keeps the path's leading slashes as a browser would send them.
        var (_, response) = await SignInAsync(server.Server, $"http://{server.BaseAddress.Authority}{path}?token={server.Server.Token}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("TOKEN")]
    [InlineData("Token")]
    public async Task TokenUrl_AnyCaseOfTheKey_LeavesTheAddress(string key)
    {
        var (_, response) = await SignInAsync(server.Server, $"/?{key}={server.Server.Token}&a=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/?a=1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Cookie_TamperedOrHoldingTheToken_Is401()
    {
        var (cookies, _) = await SignInAsync(server.Server, $"/?token={server.Server.Token}");
        var ticket = cookies.GetAllCookies().Single();
        foreach (var value in new[] { ticket.Value[..^4] + "AAAA", server.Server.Token, "", new string('A', 400) })
        {
            var forged = new CookieContainer();
            forged.Add(new Cookie(ticket.Name, value, "/", server.BaseAddress.Host));
            using var browser = Browser(server.Server, forged);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/sessions", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Restart_WithTheSameDataDirectory_KeepsBrowsersSignedIn()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            CookieContainer cookies;
            Cookie ticket;
            await using (var first = await TestServer.StartAsync($"--Bufferscope:DataDirectory={data}"))
            {
                (cookies, _) = await SignInAsync(first, $"/?token={first.Token}");
                ticket = cookies.GetAllCookies().Single();
            }
            // A new start, a new generated token (another port too): the signed ticket still holds.
            await using var second = await TestServer.StartAsync($"--Bufferscope:DataDirectory={data}");
            var carried = new CookieContainer();
            carried.Add(new Cookie(ticket.Name, ticket.Value, "/", second.BaseAddress.Host));
            using var browser = Browser(second, carried);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/sessions", Ct)).StatusCode);

            // Another data directory means other keys: the same ticket is refused.
            await using var stranger = await TestServer.StartAsync();
            using var elsewhere = Browser(stranger, carried);
            Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/sessions", Ct)).StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Hub_WithoutToken_IsRefused()
    {
        await using var denied = server.Server.Hub(token: null);
        var e = await Assert.ThrowsAnyAsync<HttpRequestException>(() => denied.StartAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
    }

    [Fact]
    public async Task Streams_The33rdOnOneConnection_IsRefusedNamingTheLimit()
    {
        // Its own server, so the streams counted are this test's only.
        await using var own = await TestServer.StartAsync();
        using var api = own.Client();
        var s = (await (await api.PostAsJsonAsync("/api/sessions", new { name = "streams" }, Ct)).Content.ReadFromJsonAsync<Api.Contracts.SessionDto>(ServerFixture.Json, Ct))!;
        await using var hub = own.Hub();
        await hub.StartAsync(Ct);
        var stops = Enumerable.Range(0, 33).Select(_ => CancellationTokenSource.CreateLinkedTokenSource(Ct)).ToList();
        try
        {
            // A stream runs once its first item is asked for: ask each, then wait until the server counts 32.
            var pending = stops.Take(32).Select(stop => hub.StreamAsync<HubEvent>("Events", s.Id, stop.Token).GetAsyncEnumerator(stop.Token).MoveNextAsync().AsTask()).ToList();
            await WaitForStreams(api, 32);

            var refused = await Assert.ThrowsAsync<HubException>(async () =>
            {
                await foreach (var _ in hub.StreamAsync<HubEvent>("Events", s.Id, Ct)) { }
            });
            Assert.Contains("32 streams", refused.Message);
            Assert.Contains("Bufferscope:Limits:MaxStreamsPerConnection", refused.Message);

            // Ending one gives its place back.
            await stops[0].CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending[0]);
            await WaitForStreams(api, 31);
            _ = hub.StreamAsync<HubEvent>("Events", s.Id, stops[32].Token).GetAsyncEnumerator(stops[32].Token).MoveNextAsync();
            await WaitForStreams(api, 32);
        }
        finally
        {
            foreach (var stop in stops)
            {
                await stop.CancelAsync();
                stop.Dispose();
            }
        }
    }

    private static async Task WaitForStreams(HttpClient api, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await api.GetFromJsonAsync<Api.Contracts.StatusDto>("/api/status", ServerFixture.Json, Ct))!.HubStreams != count)
        {
            Assert.True(clock.Elapsed < ServerFixture.Timeout, $"the server never counted {count} streams");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task Connections_The17thOfOneClient_IsRefusedNamingTheLimit()
    {
        // Its own server: the shared one's connections belong to the same client (its token).
        await using var own = await TestServer.StartAsync();
        var hubs = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var hub = own.Hub();
                await hub.StartAsync(Ct);
                hubs.Add(hub);
            }
            var extra = own.Hub();
            hubs.Add(extra);
            var closed = new TaskCompletionSource<Exception?>();
            extra.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
            await extra.StartAsync(Ct);
            var error = await closed.Task.WaitAsync(ServerFixture.Timeout, Ct);
            Assert.NotNull(error);
            Assert.Contains("16 hub connections", error.Message);
            Assert.Contains("Bufferscope:Limits:MaxConnectionsPerClient", error.Message);
            // The 16 before it still work.
            Assert.All(hubs.Take(16), h => Assert.Equal(HubConnectionState.Connected, h.State));
        }
        finally
        {
            foreach (var hub in hubs)
                await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task Runs_OverThePerMinuteLimit_Get429_PerClientNotPerAddress()
    {
        await using var limited = await TestServer.StartAsync("--Bufferscope:Limits:RunsPerMinute=3");
        using var api = limited.Client();
        var sid = (await (await api.PostAsJsonAsync("/api/sessions", new { name = "limited" }, Ct)).Content.ReadFromJsonAsync<Api.Contracts.SessionDto>(ServerFixture.Json, Ct))!.Id;
        var (cookies, _) = await SignInAsync(limited, $"/?token={limited.Token}");
        using var browser = Browser(limited, cookies);
        // The page's circuit calls the API with its browser's ticket as a bearer: the same budget as that browser.
        using var circuit = limited.Client(withToken: false);
        circuit.DefaultRequestHeaders.Authorization = new("Bearer", cookies.GetAllCookies().Single().Value);

        Task<HttpResponseMessage> Run(HttpClient client) => client.PostAsJsonAsync($"/api/sessions/{sid}/run", new { code = "1" }, Ct);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await Run(api)).StatusCode);
        var refused = await Run(api);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("RunsPerMinute", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal("60", refused.Headers.RetryAfter!.ToString());

        // Same address, another client: the browser has its own three, shared with its circuit only.
        Assert.Equal(HttpStatusCode.OK, (await Run(browser)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Run(circuit)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Run(browser)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Run(circuit)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Run(browser)).StatusCode);
    }
}
