using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>The flows a person goes through on a session's page, in the real browser against the real server.</summary>
public sealed class SessionPageTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task OpenAsync(IPage page, string sessionId)
    {
        await page.GotoAsync($"/sessions/{sessionId}");
        await Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new Regex("live"));
    }

    private static async Task ConsoleAsync(IPage page, string code)
    {
        var runs = await page.Locator(".out-code").CountAsync();
        await page.GetByTestId("console-input").FillAsync(code);
        await page.GetByTestId("console-run").ClickAsync();
        // Wait for this run's answer: its prompt shows and "running…" is gone.
        await Expect(page.Locator(".out-code")).ToHaveCountAsync(runs + 1);
        await Expect(page.GetByTestId("console-output")).Not.ToContainTextAsync("running…");
    }

    [Fact]
    public async Task CreateThroughForm_ThenMemoryview_BadgeGoesZeroOneZeroAndViewAppears()
    {
        var session = await browser.NewSessionAsync("flow");
        var page = await browser.NewPageAsync();
        await OpenAsync(page, session.Id);

        var form = page.GetByTestId("create-buffer");
        await form.GetByTestId("field-name").FillAsync("frame");
        await form.GetByTestId("field-shape").FillAsync("4, 8");
        await form.GetByTestId("create-submit").ClickAsync();

        var badge = page.GetByTestId("exports-frame");
        await Expect(page.GetByTestId("buffer-frame")).ToBeVisibleAsync();
        await Expect(badge).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("hex-view")).ToContainTextAsync("00000000");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-created.png"), FullPage = true });

        await ConsoleAsync(page, "mv = memoryview(frame)");
        await Expect(badge).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("view-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("view-row")).ToContainTextAsync("<console:flow:");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-exported.png"), FullPage = true });

        await ConsoleAsync(page, "mv.release()");
        await Expect(badge).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("view-row")).ToHaveCountAsync(0);
    }
}
