using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>Issue 12, item 11: a session's page on a 390 × 844 phone, in the real browser against the real server.</summary>
public sealed class PhoneLayoutTests(BrowserFixture browser)
{
    private const int Width = 390, Height = 844;

    /// <summary>
    /// Each inspector tab whose label is not whole on screen, as "label: where its text is, where
    /// its tab is": the text's own extent (a range over its text nodes), which must lie inside the
    /// tab, and the tab inside the window.
    /// </summary>
    private const string CutTabs = """
        () => [...document.querySelectorAll('[data-testid=inspector] .mud-tab')].flatMap(tab => {
            const box = tab.getBoundingClientRect();
            const walker = document.createTreeWalker(tab, NodeFilter.SHOW_TEXT);
            let left = Infinity, right = -Infinity;
            for (let node; (node = walker.nextNode());) {
                if (!node.textContent.trim()) continue;
                const range = document.createRange();
                range.selectNodeContents(node);
                const text = range.getBoundingClientRect();
                left = Math.min(left, text.left);
                right = Math.max(right, text.right);
            }
            const whole = left >= box.left - 0.5 && right <= box.right + 0.5 && left >= 0 && right <= window.innerWidth && box.width > 0;
            return whole ? [] : [`${tab.textContent.trim()}: text ${left}-${right}, tab ${box.left}-${box.right}, window ${window.innerWidth}`];
        })
        """;

    [Fact]
    public async Task Phone_EveryTabLabelWhole_MemoryViewOnTheFirstScreen_WithManyBuffers()
    {
        var (_, page) = await browser.OpenSessionWithFrameAsync("phone-layout",
            "frame = bufferscope.MemBuf([4, 8], 'B')\n" + string.Join("\n", Enumerable.Range(1, 6).Select(i => $"b{i} = bufferscope.MemBuf([{i}, 16], '<f')")),
            Width, Height);
        await Expect(page.GetByTestId("buffer-b6")).ToBeAttachedAsync();
        // A phone's hex view has 8 bytes a row: once it has measured itself, the second row is at 8.
        await Expect(page.GetByTestId("hex-view")).ToContainTextAsync("00000008");

        Assert.Equal(3, await page.Locator("[data-testid=inspector] .mud-tab").CountAsync());
        Assert.Empty(await page.EvaluateAsync<string[]>(CutTabs));
        await ExpectOnFirstScreenAsync(page, "hex-view");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-390.png") });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-390-full.png"), FullPage = true });

        // Every buffer is one tap away; picking one shows its memory, still on the first screen.
        await Expect(page.GetByTestId("buffer-b4")).ToBeHiddenAsync();
        await BrowserFixture.PickBufferAsync(page, "b4");
        await Expect(page.GetByTestId("inspector").Locator("h2")).ToHaveTextAsync("Memory of b4");
        await Expect(page.GetByTestId("buffer-b6")).ToBeHiddenAsync();
        await ExpectOnFirstScreenAsync(page, "hex-view");

        // The last tab works there too.
        await page.Locator("[data-testid=inspector] .mud-tab", new() { HasText = "Picture" }).ClickAsync();
        await Expect(page.GetByTestId("heatmap")).ToBeVisibleAsync();
        Assert.Empty(await page.EvaluateAsync<string[]>(CutTabs));
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= Width);
    }

    /// <summary>The element's top is inside the first screen, unscrolled, with room to see some of it.</summary>
    private static async Task ExpectOnFirstScreenAsync(IPage page, string testId)
    {
        var top = await page.GetByTestId(testId).EvaluateAsync<double>("el => el.getBoundingClientRect().top + window.scrollY");
        Assert.True(top + 60 <= Height, $"{testId} starts {top} px down a {Height} px screen");
    }
}
