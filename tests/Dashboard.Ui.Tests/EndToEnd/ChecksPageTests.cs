using System.Net.Http.Json;
using System.Text.Json;
using Bufferscope.Core.Buffers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>The Checks panel in the real browser, against the real server, its kernels and a check kernel of its own.</summary>
public sealed class ChecksPageTests(BrowserFixture browser)
{
    /// <summary>Right on C-contiguous buffers only: it copies nbytes from the first item's address, whatever the strides.</summary>
    private const string COrder = "import ctypes, numpy as np\ndef c_order(b):\n    a = np.asarray(b)\n    return np.frombuffer(ctypes.string_at(a.ctypes.data, a.nbytes), a.dtype).reshape(a.shape).tolist()";

    private const string InspectorTitleOnScreen = """
        () => {
            const title = document.querySelector('[data-testid=inspector] h2').getBoundingClientRect();
            return title.top >= document.querySelector('.mud-appbar').getBoundingClientRect().bottom && title.bottom <= innerHeight;
        }
        """;

    [Fact]
    public async Task QuickCheck_OfAConsumerThatAssumesCOrder_FindsItWrong_AndAFindingOpensInTheInspector()
    {
        // Another buffer first, selected as the page opens: the finding's must be selected, not merely the only one.
        var (session, page) = await browser.OpenSessionWithFrameAsync("checks", "frame = bufferscope.MemBuf([4, 8], 'B')", 1440, 900);
        await Expect(page.GetByTestId("inspector").Locator("h2")).ToHaveTextAsync("Memory of frame");
        await BrowserFixture.ConsoleAsync(page, COrder);

        // The console's new callable is offered; picking it fills the target.
        await page.GetByTestId("checks-suggestion-c_order").ClickAsync();
        await Expect(page.GetByTestId("checks-target")).ToHaveValueAsync("c_order");
        await page.GetByTestId("checks-run").ClickAsync();
        await Expect(page.GetByTestId("checks-state")).ToHaveTextAsync("running…");
        await Expect(page.GetByTestId("checks-cancel")).ToBeEnabledAsync();
        // A quick check takes some seconds here (300 cases, each failure shrunk): its end, not a sleep.
        await Expect(page.GetByTestId("checks-state")).ToHaveTextAsync("done", new() { Timeout = 120_000 });
        await Expect(page.GetByTestId("checks-cancel")).ToBeDisabledAsync();

        // The page shows what the server found: the report's counts, its findings, their layouts.
        var report = (await browser.Http.GetFromJsonAsync<List<JsonElement>>($"/api/sessions/{session.Id}/checks", BrowserFixture.Json, TestContext.Current.CancellationToken))![0];
        var counts = report.GetProperty("counts");
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal("wrong", f.GetProperty("kind").GetString()));
        await Expect(page.GetByTestId("checks-done")).ToHaveTextAsync($"{report.GetProperty("done").GetInt32()} / {report.GetProperty("total").GetInt32()}");
        await Expect(page.GetByTestId("checks-count-wrong")).ToHaveTextAsync($"wrong {counts.GetProperty("wrong").GetInt32()}");
        await Expect(page.GetByTestId("checks-count-passed")).ToHaveTextAsync($"passed {counts.GetProperty("passed").GetInt32()}");
        var cards = page.GetByTestId("checks-finding");
        await Expect(cards).ToHaveCountAsync(findings.Count);
        var first = findings[0];
        var layout = first.GetProperty("layout");
        var format = layout.GetProperty("format").GetString()!;
        var shape = layout.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var strides = layout.GetProperty("strides").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        await Expect(cards.First.GetByTestId("checks-layout")).ToContainTextAsync($"shape {BufferLayout.Show(shape)}");
        await Expect(cards.First.GetByTestId("checks-layout")).ToContainTextAsync($"strides {BufferLayout.Show(strides)}");
        await Expect(cards.First.GetByTestId("checks-repro")).ToHaveTextAsync(first.GetProperty("repro").GetString()!);
        await Expect(cards.First.GetByTestId("checks-drawing")).ToHaveTextAsync(first.GetProperty("drawing").GetString()!);
        await page.GetByTestId("checks").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "checks-1440.png") });
        await page.GetByTestId("checks").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "checks-panel-1440.png") });

        // Open in inspector: a buffer of the finding's layout and bytes, selected, its memory on screen.
        await cards.First.GetByTestId("checks-open").ClickAsync();
        var inspector = page.GetByTestId("inspector");
        await Expect(inspector.Locator("h2")).ToHaveTextAsync("Memory of finding_wrong_1");
        // Scrolled up to it, its title clear of the fixed app bar.
        await page.WaitForFunctionAsync(InspectorTitleOnScreen, null, new() { Timeout = 5_000 });
        await Expect(page.GetByTestId("buffer-finding_wrong_1")).ToContainTextAsync($"shape {BufferLayout.Show(shape)} · strides {BufferLayout.Show(strides)}");
        await Expect(inspector.GetByTestId("bytemap-legend")).ToContainTextAsync($"each '{format}' element");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "checks-opened-1440.png") });
        await inspector.Locator(".mud-tab", new() { HasText = "Elements" }).ClickAsync();
        var columns = shape.Length == 0 ? 1 : shape[^1];
        var rows = shape.Length >= 2 ? shape[^2] : 1;
        await Expect(inspector.GetByTestId("element-grid").Locator("td")).ToHaveCountAsync((int)(rows * columns));
        // In Python it is that case: the same layout, and c_order still gets it wrong.
        var python = await browser.RunAsync(session.Id, "m = memoryview(finding_wrong_1)\n(m.format, m.shape, m.strides, c_order(finding_wrong_1) == np.asarray(finding_wrong_1).tolist())");
        Assert.Equal($"('{format}', {BufferLayout.Show(shape)}, {BufferLayout.Show(strides)}, False)", python.Result);
        await browser.RunAsync(session.Id, "m.release()");

        // On a phone the check is there when the page opens (the session's newest), under the console.
        var phone = await browser.OpenSessionAsync(session.Id, 390, 844);
        await Expect(phone.GetByTestId("checks-finding")).ToHaveCountAsync(findings.Count);
        await Expect(phone.GetByTestId("checks-state")).ToHaveTextAsync("done");
        await Expect(phone.GetByTestId("checks-target")).ToHaveValueAsync("c_order");
        await phone.GetByTestId("checks").ScrollIntoViewIfNeededAsync();
        await phone.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "checks-390.png") });
        await phone.GetByTestId("checks").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "checks-panel-390.png") });
        var panel = (await phone.GetByTestId("checks").BoundingBoxAsync())!;
        Assert.True(panel.Width <= 390, $"the Checks panel is {panel.Width} px wide on a 390 px screen");
        Assert.Equal(390, await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
    }
}
