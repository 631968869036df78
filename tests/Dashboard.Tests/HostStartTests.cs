using System.Net;
using System.Net.Sockets;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// The server as a user starts it, as its own process: the line it starts with, what it says and
/// how it exits when it cannot or will not start.
/// </summary>
public sealed class HostStartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PortInUse_ExitsWithOneClearLine_NotACrash()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, output) = await ServerProcess.RunToExitAsync(["--urls", $"http://127.0.0.1:{port}"]);

        Assert.Equal(3, exit);
        // The last line a user sees (stdout and stderr together, as in a terminal) is ours.
        var last = LastLine(output);
        Assert.StartsWith($"bufferscope: cannot listen: Failed to bind to address http://127.0.0.1:{port}: address already in use.", last, StringComparison.Ordinal);
        Assert.Contains("--urls", last, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonMissing_ExitsWithOneClearLine()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(["--urls", "http://127.0.0.1:0"], ("BUFFERSCOPE_PYTHON", "/nonexistent/python3"));

        Assert.Equal(2, exit);
        var last = LastLine(output);
        Assert.StartsWith("bufferscope: cannot start Python:", last, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/python3", last, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Bufferscope:AccessToken=hunter2")]
    [InlineData("--Bufferscope:AccessToken=0123456789abcdef0123456789abcde")] // 31 characters
    public async Task ShortToken_RefusedAtStart_SayingHowLong(string setting)
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(["--urls", "http://127.0.0.1:0", setting]);

        Assert.Equal(4, exit);
        var last = LastLine(output);
        Assert.StartsWith("bufferscope: refused to start: the configured access token (Bufferscope:AccessToken or BUFFERSCOPE_TOKEN) has", last, StringComparison.Ordinal);
        Assert.Contains("at least 32", last, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortTokenFromEnvironment_RefusedAtStart()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(["--urls", "http://127.0.0.1:0"], ("BUFFERSCOPE_TOKEN", "short"));

        Assert.Equal(4, exit);
        Assert.Contains("has 5 characters; it needs at least 32", LastLine(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenOff_OffLoopback_RefusedBeforeListening()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(["--urls", "http://0.0.0.0:0", "--Bufferscope:RequireToken=false"]);

        Assert.Equal(4, exit);
        Assert.Contains("RequireToken=false is allowed only on a loopback address", LastLine(output), StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenOff_OnLoopback_ServesWithoutTokenAndWarns()
    {
        await using var server = await ServerProcess.StartAsync(["--Bufferscope:RequireToken=false"]);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/sessions", Ct)).StatusCode);
        Assert.Contains("RequireToken is false", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartLine_PrintsUrlWithGeneratedToken_ThatSignsABrowserIn()
    {
        await using var server = await ServerProcess.StartAsync([]);

        // 192 random bits, as 48 hex digits, in the address a user is told to open.
        Assert.Matches("^http://127.0.0.1:[0-9]+/\\?token=[0-9a-f]{48}$", server.Url);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/sessions", Ct)).StatusCode);

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var opened = await browser.GetAsync(server.Url, Ct);

        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal("/", opened.Headers.Location!.OriginalString);
        var setCookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(server.Token, setCookie, StringComparison.Ordinal); // a signed ticket, not the token
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/sessions", Ct)).StatusCode);
    }

    [Fact]
    public async Task ConfiguredToken_NotPrinted()
    {
        var token = TestServer.NewToken();
        await using var server = await ServerProcess.StartAsync([], ("BUFFERSCOPE_TOKEN", token));

        Assert.DoesNotContain(token, server.Output, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/sessions", Ct)).StatusCode);
    }

    [Fact]
    public async Task PageLoad_EveryAssetItNames_IsServedAndInTheBuildManifest_WithoutAWarning()
    {
        var server = await ServerProcess.StartAsync([]);
        try
        {
            var cookies = new CookieContainer();
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
            var page = await (await browser.GetAsync(server.Url, Ct)).EnsureSuccessStatusCode().Content.ReadAsStringAsync(Ct);
            // What the page's head and body name, and the modules its panels import; a browser asks for favicon.ico on every page.
            var assets = System.Text.RegularExpressions.Regex.Matches(page, "(?:href|src)=\"([^\"?#]+\\.[a-z]+)\"")
                .Select(m => m.Groups[1].Value).Concat(["js/hexview.js", "js/heatmap.js", "favicon.ico"]).Distinct().ToList();
            Assert.Contains("favicon.ico", System.Text.RegularExpressions.Regex.Matches(page, "<link rel=\"icon\"[^>]*href=\"([^\"]+)\"").Select(m => m.Groups[1].Value));
            Assert.Contains("app.css", assets);
            foreach (var asset in assets)
                Assert.True((await browser.GetAsync(asset, Ct)).StatusCode == HttpStatusCode.OK, $"{asset} is not served");
        }
        finally
        {
            await server.DisposeAsync(); // SIGTERM and wait for the exit: the log is complete after it
        }
        Assert.DoesNotContain("was not found in the built time manifest", server.Output, StringComparison.Ordinal);
    }

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1];
}
