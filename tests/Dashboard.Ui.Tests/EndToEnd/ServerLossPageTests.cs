using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>
/// A session's page while its server goes away and comes back on the same address and data
/// directory: the notice is legible at once, the header says offline within a second, and the
/// page comes back by itself showing the session as the restarted server brought it back.
/// </summary>
public sealed class ServerLossPageTests(BrowserFixture browser) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _data = TestServer.NewDataDirectory();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task ServerStops_NoticeLegibleAndHeaderOffline_ThenRestarted_PageShowsTheSessionAgain()
    {
        string[] settings = [$"--urls=http://127.0.0.1:{FreePort()}", $"--Bufferscope:DataDirectory={_data}", $"--Bufferscope:AccessToken={TestServer.NewToken()}"];
        var first = await TestServer.StartAsync(settings);
        TestServer? second = null;
        try
        {
            string sid;
            using (var http = first.Client())
            {
                sid = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "lost" }, Ct)).Content.ReadFromJsonAsync<SessionDto>(BrowserFixture.Json, Ct))!.Id;
                (await http.PostAsJsonAsync($"/api/sessions/{sid}/run", new { code = "import bufferscope\nframe = bufferscope.MemBuf([4, 8], 'B')" }, Ct)).EnsureSuccessStatusCode();
            }
            await using var wide = await OpenAsync(first, sid, 1280, 800);
            await using var phone = await OpenAsync(first, sid, 390, 844);
            var pages = new[] { (wide.Pages[0], "1280"), (phone.Pages[0], "390") };

            // The server goes while the pages are open (as Ctrl+C stops it); the clock starts as it begins to stop.
            var clock = Stopwatch.StartNew();
            var stopping = Task.Run(() => first.DisposeAsync().AsTask(), Ct);
            foreach (var (page, _) in pages)
                await Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new Regex("^\\s*offline"), new() { UseInnerText = true, Timeout = 1000 });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"the header said offline {clock.Elapsed.TotalMilliseconds:0} ms after the server began to stop");
            foreach (var (page, width) in pages)
            {
                var notice = page.GetByTestId("reconnect");
                await Expect(notice).ToBeVisibleAsync();
                await Expect(notice).ToContainTextAsync("lost its connection to the server", new() { UseInnerText = true });
                var contrast = await page.EvaluateAsync<double>(ContrastScript, "[data-testid=reconnect]");
                Assert.True(contrast >= 7, $"at {width} px the notice's text has contrast {contrast:0.0}:1 against its background; WCAG AAA asks 7:1");
                var header = await page.EvaluateAsync<double>(ContrastScript, "[data-testid=hub-status]");
                Assert.True(header >= 4.5, $"at {width} px the header's offline status has contrast {header:0.0}:1");
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"server-lost-{width}.png") });
            }
            await stopping;

            second = await TestServer.StartAsync(settings);

            // Blazor's next retry finds a server that does not know the circuit: the page reloads itself.
            foreach (var (page, width) in pages)
            {
                await Expect(page.GetByTestId("kernel-previous")).ToContainTextAsync("the server restarted: a fresh kernel, 1 buffer bound again", new() { Timeout = 30_000 });
                await Expect(page.GetByTestId("buffer-frame")).ToBeVisibleAsync();
                await Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new Regex("^\\s*live"), new() { UseInnerText = true });
                await Expect(page.GetByTestId("reconnect")).ToBeHiddenAsync();
                await Expect(page.GetByText("no session with id")).ToHaveCountAsync(0);
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"server-back-{width}.png") });
            }
        }
        finally
        {
            if (second is not null)
                await second.DisposeAsync();
        }
    }

    /// <summary>WCAG contrast of the element's visible text colour against the first opaque background under it.</summary>
    private const string ContrastScript = """
        selector => {
            const element = document.querySelector(selector);
            const text = [...element.querySelectorAll('*'), element].find(e => e.innerText && e.offsetParent !== null && getComputedStyle(e).display !== 'none' && e.children.length === 0) || element;
            const rgb = s => s.match(/[\d.]+/g).map(Number);
            let back = null;
            for (let e = text; e && !back; e = e.parentElement) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length < 4 || c[3] > 0.5) back = c;
            }
            back = back || [255, 255, 255];
            const lum = ([r, g, b]) => [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
            const [l1, l2] = [lum(rgb(getComputedStyle(text).color)), lum(back)].sort((a, b) => b - a);
            return (l1 + 0.05) / (l2 + 0.05);
        }
        """;

    private async Task<IBrowserContext> OpenAsync(TestServer server, string sessionId, int width, int height)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = server.BaseAddress.ToString(),
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/sessions/{sessionId}?token={server.Token}");
        await Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new Regex("^\\s*live"), new() { UseInnerText = true });
        await Expect(page.GetByTestId("buffer-frame")).ToBeVisibleAsync();
        return context;
    }

    /// <summary>A port free now, so that the restarted server can listen where the pages expect it.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
