using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>The console as Jupyter's users expect it, in the real browser against the real server and kernels.</summary>
public sealed class ConsolePageTests(BrowserFixture browser)
{
    /// <summary>The console output's text, for checks of several parts at one moment.</summary>
    private const string OutputText = "() => document.querySelector('[data-testid=console-output]').textContent";

    [Fact]
    public async Task Output_StreamsWhileItRuns_TheDotSaysBusy_AndTheRunIsNumberedInAndOut()
    {
        var (session, page) = await browser.OpenSessionWithFrameAsync("stream", "frame = bufferscope.MemBuf([4, 8], 'B')");
        await Expect(page.GetByTestId("console-kernel")).ToHaveTextAsync("idle");
        await page.GetByTestId("console-input").FillAsync("import time\nprint('first', flush=True)\ntime.sleep(2)\nprint('second')\n6 * 7");
        await page.GetByTestId("console-run").ClickAsync();

        // The first line shows while the run still sleeps: before, nothing showed until the end.
        await Expect(page.GetByTestId("console-streamed")).ToContainTextAsync("first");
        var during = await page.EvaluateAsync<string>(OutputText);
        Assert.True(during.Contains("running…") && !during.Contains("\nsecond"), during); // the code above shows print('second'), not its line
        await Expect(page.GetByTestId("console-kernel")).ToHaveTextAsync("busy");
        await Expect(page.Locator(".kernel-dot-busy")).ToBeVisibleAsync();

        await Expect(page.GetByTestId("console-output")).Not.ToContainTextAsync("running…", new() { Timeout = 15_000 });
        var n = (await browser.HistoryAsync(session.Id))[^1].N;
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync($"In [{n}]: import time");
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync("first\nsecond\n");
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync($"Out [{n}]: 42");
        await Expect(page.GetByTestId("console-kernel")).ToHaveTextAsync("idle");
    }

    [Fact]
    public async Task ViewOrigins_NameTheConsoleCell_AndTheTranscriptSurvivesAReload()
    {
        var (session, page) = await browser.OpenSessionWithFrameAsync("origins", "frame = bufferscope.MemBuf([4, 8], 'B')");
        await BrowserFixture.ConsoleAsync(page, "print('made a view')\nmv = memoryview(frame)\nlen(mv)");
        var n = (await browser.HistoryAsync(session.Id))[^1].N;
        // The line a user can find above: In [n], line 2, where it was <console:origins:2>:2.
        await Expect(page.GetByTestId("view-row")).ToContainTextAsync($"In [{n}], line 2");
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync($"In [{n}]: print('made a view')");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync($"In [{n}]: print('made a view')");
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync("made a view\n");
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync($"Out [{n}]: 4");
        await BrowserFixture.ConsoleAsync(page, "mv.release()");
    }

    [Fact]
    public async Task Interrupt_StopsASleep_ACrashTurnsTheDotDead_AndRestartBringsItBack()
    {
        var (session, page) = await browser.OpenSessionWithFrameAsync("dot", "frame = bufferscope.MemBuf([4, 8], 'B')");
        await page.GetByTestId("console-input").FillAsync("import time\ntime.sleep(30)");
        await page.GetByTestId("console-run").ClickAsync();
        await Expect(page.GetByTestId("console-kernel")).ToHaveTextAsync("busy");
        await page.GetByTestId("console-interrupt").ClickAsync();
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync("KeyboardInterrupt: interrupted");
        await Expect(page.GetByTestId("console-kernel")).ToHaveTextAsync("idle");

        await BrowserFixture.ConsoleAsync(page, "import ctypes\nctypes.string_at(0)");
        await Expect(page.GetByTestId("console-kernel")).ToHaveTextAsync("dead");
        await Expect(page.Locator(".kernel-dot-dead")).ToBeVisibleAsync();
        await page.GetByTestId("kernel-restart").ClickAsync();
        await Expect(page.GetByTestId("console-kernel")).ToHaveTextAsync("idle");
        await Expect(page.GetByTestId("kernel-message")).ToContainTextAsync("kernel restarted: 1 buffer bound again");
        await BrowserFixture.ConsoleAsync(page, "len(bytes(frame))");
        await Expect(page.GetByTestId("console-output")).ToContainTextAsync("]: 32");
        Assert.Equal("32", (await browser.RunAsync(session.Id, "len(bytes(frame))")).Result);
    }

    [Fact]
    public async Task At1280_TheConsoleSitsBesideTheMemoryView_NotUnderTheForm()
    {
        var (_, page) = await browser.OpenSessionWithFrameAsync("beside", "frame = bufferscope.MemBuf([4, 8], 'B')", 1280, 800);
        var console = (await page.GetByTestId("console").BoundingBoxAsync())!;
        var inspector = (await page.GetByTestId("hex-view").BoundingBoxAsync())!;
        Assert.True(console.X >= inspector.X + inspector.Width, $"the console starts at x {console.X}, inside the memory view ({inspector.X} + {inspector.Width})");
        Assert.True(console.Y < 200, $"the console starts {console.Y} px down: under the form, out of the first screen");
        // Beside the console the memory view still has room for 16 bytes a row.
        await Expect(page.GetByTestId("hex-header").Locator(".hex-bytes span")).ToHaveCountAsync(16);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "console-beside-1280.png") });
        var (_, phone) = await browser.OpenSessionWithFrameAsync("beside-phone", "frame = bufferscope.MemBuf([4, 8], 'B')", 390, 844);
        await phone.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "console-390.png"), FullPage = true });
    }
}
