using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>Issue 12, item 9: the landing page, its sample session, the API reference and the session list, in the real browser.</summary>
public sealed class LandingPageTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A checksum of the picture's pixels: it changes when the drawn picture does.</summary>
    private const string PictureChecksum = """
        () => {
            const c = document.querySelector('[data-testid=heatmap]');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let h = 0;
            for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
            return h;
        }
        """;

    [Fact]
    public async Task Landing_SaysWhatThisIs_InspectOpensTheSamplesPicture_WhichMoves()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("intro")).ToContainTextAsync("buffer protocol");
        await Expect(page.GetByTestId("way-inspect")).ToBeVisibleAsync();
        // Test says where the Checks panel is; Learn leads to the lessons.
        await Expect(page.GetByTestId("way-test")).ToContainTextAsync("Checks");
        await Expect(page.GetByTestId("learn-link")).ToHaveAttributeAsync("href", "/learn");
        await Expect(page.GetByTestId("api-reference")).ToHaveAttributeAsync("href", "/scalar/v1");
        await Expect(page.GetByTestId("readme-link")).ToHaveAttributeAsync("href", "/readme");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "landing-1280.png"), FullPage = true });

        await page.GetByTestId("inspect-sample").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/sessions/[0-9a-f]+\\?view=picture$"));
        var sessionId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        try
        {
            await Expect(page.GetByTestId("exports-frame")).ToHaveTextAsync("1"); // the writer's numpy array
            // Opened on the picture: 96 × 128 cells, one per element. Then it moves without anyone touching it.
            await page.WaitForFunctionAsync("() => { const c = document.querySelector('[data-testid=heatmap]'); return c && c.width === 128 && c.height === 96; }");
            var first = await page.EvaluateAsync<int>(PictureChecksum);
            await page.WaitForFunctionAsync($"() => ({PictureChecksum})() !== {first}");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "sample-picture-1280.png") });

            // The hex view moves too: the first float's bytes change.
            await page.Locator(".mud-tab", new() { HasText = "Hex" }).ClickAsync();
            var firstFloat = "() => [0, 1, 2, 3].map(i => document.querySelector(`[data-testid=hex-view] [data-at='${i}']`)?.textContent).join(' ')";
            await page.WaitForFunctionAsync($"() => ({firstFloat})().length === 11");
            var bytes = await page.EvaluateAsync<string>(firstFloat);
            await page.WaitForFunctionAsync($"() => ({firstFloat})() !== '{bytes}'");

            // The console shows what made the sample, and stopping the writer ends its export.
            await Expect(page.GetByTestId("console-output")).ToContainTextAsync("def stop_writer");
            await browser.RunAsync(sessionId, "stop_writer()");
            await Expect(page.GetByTestId("exports-frame")).ToHaveTextAsync("0");
        }
        finally
        {
            (await browser.Http.DeleteAsync($"/api/sessions/{sessionId}?force=true", Ct)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Landing_At390Wide_EveryWayInShows_NothingSideways()
    {
        var page = await browser.NewPageAsync(390, 844);
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("inspect-sample")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("session-create")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "landing-390.png"), FullPage = true });
        foreach (var way in new[] { "way-inspect", "way-test", "way-learn" })
        {
            var box = (await page.GetByTestId(way).BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"{way} spans {box.X} to {box.X + box.Width} on a 390 px screen");
        }
        // The Inspect button, the first thing to press, is on the first screen.
        var inspect = (await page.GetByTestId("inspect-sample").BoundingBoxAsync())!;
        Assert.True(inspect.Y + inspect.Height <= 844, $"the Inspect button ends at {inspect.Y + inspect.Height} px, below a 844 px screen");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);
    }

    /// <summary>
    /// The API reference works with no internet: every request that leaves 127.0.0.1 is refused
    /// (and recorded), as on a machine without a network, and the page still lists the API.
    /// Signed out, it is the sign-in page; its document is refused too.
    /// </summary>
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task ApiReference_Offline_ListsTheSessionsApi_AndNeedsTheToken(int width, int height)
    {
        var context = await browser.NewContextAsync(width, height);
        var outside = new System.Collections.Concurrent.ConcurrentBag<string>();
        await context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).IsLoopback)
                await route.ContinueAsync();
            else
            {
                outside.Add(route.Request.Url);
                await route.AbortAsync("internetdisconnected");
            }
        });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/scalar/v1");
        Assert.Equal(200, response!.Status);
        // Drawn from the OpenAPI document, which it fetched itself: the page as served names no path.
        await Expect(page.Locator("body")).ToContainTextAsync("/api/sessions/{sid}/run", new() { Timeout = 30_000 });
        // Opened at an operation (Scalar renders the sections further down as they scroll in), its link shows.
        await page.GotoAsync("/scalar/v1#tag/sessions/GET/api/sessions");
        await Expect(page.Locator("a[href='#tag/sessions/GET/api/sessions']").Filter(new() { Visible = true }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bufferscope API", Level = 1 })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"api-reference-{width}.png") });
        Assert.Empty(outside);

        var signedOut = await (await browser.NewContextAsync(width, height, signedIn: false)).NewPageAsync();
        Assert.Equal(401, (await signedOut.GotoAsync("/scalar/v1"))!.Status);
        await Expect(signedOut.GetByTestId("sign-in")).ToBeVisibleAsync();
        using var anonymous = browser.Server.Client(withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/scalar/v1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/scalar/scalar.js", Ct)).StatusCode);
    }

    [Fact]
    public async Task Readme_IsRendered_WithItsTables()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByTestId("readme-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/readme$"));
        await Expect(page.GetByTestId("readme").Locator("h2", new() { HasText = "The two commands" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("readme").Locator("table td", new() { HasText = "Python:RunTimeout" }).First).ToBeVisibleAsync();
    }

    /// <summary>The list's figures as the server counts them: from the snapshot, then as they move while the page is open.</summary>
    [Fact]
    public async Task SessionList_ShowsBuffersLiveExportsAndKernelState_AsTheyChange()
    {
        var session = await browser.NewSessionAsync("counted");
        await browser.RunAsync(session.Id, "import bufferscope\na = bufferscope.MemBuf([8], 'B')\nb = bufferscope.MemBuf([2, 2], '<d')\nmv = memoryview(a)\nnp_view = memoryview(b)");
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        var counts = page.GetByTestId("counts-counted");
        var kernel = page.GetByTestId("kernel-counted");
        await Expect(counts).ToHaveTextAsync("2 buffers · 2 live exports");
        await Expect(kernel).ToHaveTextAsync("kernel idle");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-list.png") });

        await browser.RunAsync(session.Id, "mv.release()");
        await Expect(counts).ToHaveTextAsync("2 buffers · 1 live export");

        // Busy while a snippet runs, idle again when it is interrupted.
        var run = browser.Http.PostAsJsonAsync($"/api/sessions/{session.Id}/run", new { code = "import time\ntime.sleep(60)" }, Ct);
        await Expect(kernel).ToHaveTextAsync("kernel busy");
        (await browser.Http.PostAsync($"/api/sessions/{session.Id}/interrupt", null, Ct)).EnsureSuccessStatusCode();
        (await run).EnsureSuccessStatusCode();
        await Expect(kernel).ToHaveTextAsync("kernel idle");

        // Dead: its views went with it, its buffers are still the session's (a restart binds them again).
        using var _ = await browser.Http.PostAsJsonAsync($"/api/sessions/{session.Id}/run", new { code = "import os\nos._exit(3)" }, Ct);
        await Expect(kernel).ToContainTextAsync("kernel dead");
        await Expect(counts).ToHaveTextAsync("2 buffers · 0 live exports");
        (await browser.Http.DeleteAsync($"/api/sessions/{session.Id}?force=true", Ct)).EnsureSuccessStatusCode();
    }
}
