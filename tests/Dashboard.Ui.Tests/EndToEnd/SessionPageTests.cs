using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>The flows a person goes through on a session's page, in the real browser against the real server.</summary>
public sealed class SessionPageTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateThroughForm_ThenMemoryview_BadgeGoesZeroOneZeroAndViewAppears()
    {
        var session = await browser.NewSessionAsync("flow");
        var page = await browser.OpenSessionAsync(session.Id);

        var form = page.GetByTestId("create-buffer");
        await form.GetByTestId("field-name").FillAsync("frame");
        await form.GetByTestId("field-shape").FillAsync("4, 8");
        await form.GetByTestId("create-submit").ClickAsync();

        var badge = page.GetByTestId("exports-frame");
        await Expect(page.GetByTestId("buffer-frame")).ToBeVisibleAsync();
        await Expect(badge).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("hex-view")).ToContainTextAsync("00000000");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-created.png"), FullPage = true });

        await BrowserFixture.ConsoleAsync(page, "mv = memoryview(frame)");
        await Expect(badge).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("view-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("view-row")).ToContainTextAsync("In [");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-exported.png"), FullPage = true });

        await BrowserFixture.ConsoleAsync(page, "mv.release()");
        await Expect(badge).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("view-row")).ToHaveCountAsync(0);
    }

    private async Task<(Api.Contracts.SessionDto Session, IPage Page)> SessionWithFrameAsync(string name, int width = 1280, int height = 800)
    {
        var (session, page) = await browser.OpenSessionWithFrameAsync(name, "frame = bufferscope.MemBuf([4, 8], 'B')", width, height);
        await Expect(page.GetByTestId("hex-view")).ToContainTextAsync("00000000");
        return (session, page);
    }

    [Fact]
    public async Task NumpyWrite_BytesChangeInTheInspector()
    {
        var (session, page) = await SessionWithFrameAsync("numpy");
        var firstByte = page.GetByTestId("hex-view").Locator("[data-at='0']");
        await Expect(firstByte).ToHaveTextAsync("00");
        await BrowserFixture.ConsoleAsync(page, "import numpy as np\na = np.frombuffer(frame, dtype=np.uint8)\na[0] = 0xab\na[9] = 0x5c\ndel a");
        await Expect(firstByte).ToHaveTextAsync("ab");
        await Expect(page.GetByTestId("hex-view").Locator("[data-at='9']")).ToHaveTextAsync("5c");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-numpy-write.png") });
    }

    [Fact]
    public async Task Free_WhileExported_IsExplained()
    {
        var (session, page) = await SessionWithFrameAsync("free");
        await BrowserFixture.ConsoleAsync(page, "mv = memoryview(frame)");
        await Expect(page.GetByTestId("exports-frame")).ToHaveTextAsync("1");
        await page.GetByTestId("free-frame").ClickAsync();
        var why = page.GetByTestId("free-blocked");
        await Expect(why).ToContainTextAsync("1 export is still live");
        await Expect(why).ToContainTextAsync("Release them first");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-free-refused.png") });
        await BrowserFixture.ConsoleAsync(page, "mv.release()");
        await page.GetByTestId("free-frame").ClickAsync();
        await Expect(page.GetByTestId("buffer-frame")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Phone_390Wide_PageDoesNotScrollSideways()
    {
        var (session, page) = await SessionWithFrameAsync("phone", 390, 844);
        await BrowserFixture.ConsoleAsync(page, "mv = memoryview(frame)");
        await Expect(page.GetByTestId("view-row")).ToHaveCountAsync(1);
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-phone.png"), FullPage = true });
        Assert.True(scrollWidth <= 390, $"the page is {scrollWidth} px wide on a 390 px screen");
    }

    [Fact]
    public async Task KernelCrash_ShowsInTheHeader_AndRestartBringsItBackWithItsBuffer()
    {
        var (session, page) = await SessionWithFrameAsync("crashy");
        await Expect(page.GetByTestId("kernel-state")).ToContainTextAsync("kernel idle");

        await BrowserFixture.ConsoleAsync(page, "import ctypes\nctypes.string_at(0)");

        await Expect(page.GetByTestId("kernel-died")).ToContainTextAsync("kernel died: SIGSEGV (signal 11)");
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync("KernelDied");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "kernel-died.png"), FullPage = true });
        await page.GetByTestId("kernel-restart").ClickAsync();
        await Expect(page.GetByTestId("kernel-state")).ToContainTextAsync("kernel idle");
        await Expect(page.GetByTestId("kernel-message")).ToContainTextAsync("1 buffer bound again");
        await Expect(page.GetByTestId("buffer-frame")).ToBeVisibleAsync();
        Assert.Equal("32", (await browser.RunAsync(session.Id, "len(bytes(frame))")).Result);
    }

    [Fact]
    public async Task SessionsPage_DeleteWithLiveExports_ExplainsAndForceWorks()
    {
        var session = await browser.NewSessionAsync("busy");
        await browser.RunAsync(session.Id, "import bufferscope\nframe = bufferscope.MemBuf([8], 'B')\nmv = memoryview(frame)");
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("kernel-busy").First).ToContainTextAsync("kernel idle");
        await page.GetByTestId("delete-busy").First.ClickAsync();
        await Expect(page.GetByTestId("delete-blocked")).ToContainTextAsync("live export");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "sessions.png") });
        // The page is styled: MudBlazor's stylesheet and ours loaded (a missing asset manifest once left it bare).
        Assert.Equal("fixed", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-appbar')).position"));
        Assert.Equal("hidden", await page.EvaluateAsync<string>("getComputedStyle(document.body).overflowX"));
        await page.GetByTestId("delete-force").ClickAsync();
        await Expect(page.GetByTestId("delete-blocked")).ToHaveCountAsync(0);
        var left = await browser.Http.GetAsync($"/api/sessions/{session.Id}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, left.StatusCode);
    }

    /// <summary>
    /// A write in Python to what the person sees: Python stamps time.time() right after writing;
    /// a MutationObserver in the page stamps Date.now() when the byte's text changes. Same clock.
    /// </summary>
    [Fact]
    public async Task Latency_PythonWriteToScreen_PrintsP50()
    {
        var (session, page) = await SessionWithFrameAsync("latency");
        await browser.RunAsync(session.Id, "import time\nmv = memoryview(frame).cast('B')");
        await page.EvaluateAsync(@"() => {
            window.__seen = {};
            const view = document.querySelector('[data-testid=hex-view]');
            new MutationObserver(() => {
                const cell = view.querySelector('[data-at=""0""]');
                if (cell && !(cell.textContent in window.__seen)) window.__seen[cell.textContent] = Date.now();
            }).observe(view, { subtree: true, childList: true, characterData: true });
        }");
        var latencies = new List<double>();
        for (var k = 1; k <= 20; k++)
        {
            var run = await browser.RunAsync(session.Id, $"mv[0] = {k}\ntime.time()");
            var wroteMs = double.Parse(run.Result!, System.Globalization.CultureInfo.InvariantCulture) * 1000;
            var text = k.ToString("x2");
            await page.WaitForFunctionAsync($"() => '{text}' in window.__seen");
            var seenMs = await page.EvaluateAsync<double>($"() => window.__seen['{text}']");
            latencies.Add(seenMs - wroteMs);
            await Task.Delay(100, Ct);
        }
        latencies.Sort();
        var p50 = latencies[latencies.Count / 2];
        var line = $"browser latency: p50 {p50:0} ms, max {latencies[^1]:0} ms ({latencies.Count} writes, Python write to the hex view's text changing)";
        Console.WriteLine(line);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.Screenshots, "latency.txt"), line + "\n", Ct);
        TestContext.Current.SendDiagnosticMessage(line);
        // The goal (p50 under 100 ms) is a figure to read, not an assertion: every write reaching the screen is.
        Assert.Equal(20, latencies.Count);
    }
}
