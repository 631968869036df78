using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>Issue 12: the create-buffer form as a person uses it, in the real browser against the real server.</summary>
public sealed class CreateBufferFormTests(BrowserFixture browser)
{
    /// <summary>
    /// Every field label, select text and field of the form that is cut off (its text wider than
    /// its box) or reaches past the panel's right edge, as "what: why" lines; empty when none.
    /// </summary>
    private const string LayoutProblems = """
        () => {
            const form = document.querySelector('[data-testid=create-buffer]');
            const panel = form.closest('.panel').getBoundingClientRect();
            const problems = [];
            const name = el => (el.textContent || el.value || el.getAttribute('data-testid') || el.className).trim().slice(0, 40);
            for (const el of form.querySelectorAll('label, .mud-input-label, input, .mud-select, .mud-input-control, .mud-alert')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0) continue;
                if (box.right > panel.right + 0.5) problems.push(`${name(el)}: right edge ${box.right} past the panel's ${panel.right}`);
                if ((el.matches('label, .mud-input-label') || (el.matches('input') && el.readOnly)) && el.scrollWidth > el.clientWidth + 1)
                    problems.push(`${name(el)}: text ${el.scrollWidth} px in ${el.clientWidth} px`);
            }
            return problems;
        }
        """;

    private static ILocator Form(IPage page) => page.GetByTestId("create-buffer");

    /// <summary>Opens a MudSelect of the form and picks the item whose text starts with <paramref name="item"/>.</summary>
    private static async Task PickAsync(IPage page, string field, string item)
    {
        await OpenAsync(page, field);
        await Item(page, item).ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    private static async Task OpenAsync(IPage page, string field)
    {
        await Form(page).GetByTestId(field).Locator("xpath=ancestor::div[contains(@class,'mud-select')][1]").ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item").First).ToBeVisibleAsync();
    }

    private static ILocator Item(IPage page, string startsWith) =>
        page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex("^\\s*" + Regex.Escape(startsWith)) });

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task Form_AtDesktopAndPhoneWidth_NoLabelCutOff_NothingPastThePanel(int width, int height)
    {
        var session = await browser.NewSessionAsync($"form{width}");
        var page = await browser.OpenSessionAsync(session.Id, width, height);
        var form = Form(page);
        // The widest state of the form: explicit strides with their offset, a segment attached, a fill warned about.
        await form.GetByText("explicit strides").ClickAsync();
        await Expect(form.GetByTestId("field-offset")).ToBeVisibleAsync();
        await PickAsync(page, "field-source", "shm");
        await form.GetByTestId("field-segment").FillAsync("camera_frames_0");
        await PickAsync(page, "field-fill", "ramp");
        await Expect(form.GetByTestId("fill-warning")).ToBeVisibleAsync();
        // The whole page, clipped to the form: an element screenshot scrolls it under the fixed app bar.
        var box = await page.EvaluateAsync<float[]>("() => { const r = document.querySelector('[data-testid=create-buffer]').closest('.panel').getBoundingClientRect(); return [r.x, r.y + window.scrollY, r.width, r.height]; }");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"create-form-{width}.png"), FullPage = true, Clip = new() { X = box[0], Y = box[1], Width = box[2], Height = box[3] }, Style = ".mud-appbar { visibility: hidden; }" });
        await OpenAsync(page, "field-source");
        await Expect(page.Locator(".mud-popover-open")).ToHaveCSSAsync("opacity", "1"); // its fade-in done
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"create-form-{width}-source-open.png") });
        var open = await page.Locator(".mud-popover-open").BoundingBoxAsync();
        Assert.True(open!.X + open.Width <= width, $"the source menu ends at {open.X + open.Width} px on a {width} px screen");
        await page.Keyboard.PressAsync("Escape");

        var problems = await page.EvaluateAsync<string[]>(LayoutProblems);
        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task NativeOnlyCodes_AfterAStandardSizePrefix_CannotBePicked_NorThePrefixAfterThem()
    {
        var session = await browser.NewSessionAsync("codes");
        var page = await browser.OpenSessionAsync(session.Id);
        await PickAsync(page, "field-byteorder", "< little-endian");
        await OpenAsync(page, "field-code");
        foreach (var code in new[] { "n ssize_t", "N size_t", "P void" })
            await Expect(Item(page, code)).ToHaveClassAsync(new Regex("disabled"));
        await Expect(Item(page, "q long long")).Not.ToHaveClassAsync(new Regex("disabled"));
        await Item(page, "P void").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "create-form-codes-little-endian.png") });
        await Item(page, "n ssize_t").ClickAsync(new() { Force = true }); // a click on a disabled item picks nothing
        await page.Keyboard.PressAsync("Escape");
        await Expect(Form(page)).ToContainTextAsync("format “<B”");

        await PickAsync(page, "field-byteorder", "none: native");
        await PickAsync(page, "field-code", "N size_t");
        await Expect(Form(page)).ToContainTextAsync("format “N”: itemsize 8");
        await OpenAsync(page, "field-byteorder");
        foreach (var prefix in new[] { "= native order", "< little-endian", "> big-endian", "! network" })
            await Expect(Item(page, prefix)).ToHaveClassAsync(new Regex("disabled"));
        await Expect(Item(page, "@ native")).Not.ToHaveClassAsync(new Regex("disabled"));
    }

    [Fact]
    public async Task Create_WithAnOffsetHiddenByCOrder_MakesItWithoutOffset_AndSelectsIt()
    {
        var (session, page) = await browser.OpenSessionWithFrameAsync("created", "frame = bufferscope.MemBuf([4, 8], 'B')");
        await Expect(page.GetByTestId("buffer-frame")).ToHaveClassAsync(new Regex("selected"));
        var form = Form(page);
        await form.GetByTestId("field-name").FillAsync("shifted");
        await form.GetByTestId("field-shape").FillAsync("16");
        await form.GetByText("explicit strides").ClickAsync();
        await form.GetByTestId("field-strides").FillAsync("1");
        await form.GetByTestId("field-offset").FillAsync("30");
        await form.GetByTestId("create-submit").ClickAsync();
        await Expect(page.GetByTestId("buffer-shifted")).ToContainTextAsync("offset 30");
        await Expect(page.GetByTestId("buffer-shifted")).ToHaveClassAsync(new Regex("selected"));

        await form.GetByText("C order").ClickAsync();
        await Expect(form.GetByTestId("field-offset")).ToHaveCountAsync(0);
        await form.GetByTestId("field-name").FillAsync("plain");
        await form.GetByTestId("create-submit").ClickAsync();
        var plain = page.GetByTestId("buffer-plain");
        await Expect(plain).ToHaveClassAsync(new Regex("selected"));
        await Expect(page.GetByTestId("buffer-shifted")).Not.ToHaveClassAsync(new Regex("selected"));
        await Expect(plain).ToContainTextAsync("16 B");
        await Expect(plain).Not.ToContainTextAsync("offset");
        Assert.Equal("(0, 16)", (await browser.RunAsync(session.Id, "plain.offset, plain.nbytes")).Result);
    }

    [Fact]
    public async Task Shm_FillIsKeptOff_MissingSegmentIsRefused_CreateMakesItAndFreeUnlinksIt()
    {
        var session = await browser.NewSessionAsync("shm");
        var page = await browser.OpenSessionAsync(session.Id);
        var form = Form(page);
        var segment = $"bufferscope_test_{Guid.NewGuid():n}";
        try
        {
            await PickAsync(page, "field-fill", "ramp");
            await PickAsync(page, "field-source", "shm");
            // The ramp chosen for fresh memory does not carry over onto a segment.
            await Expect(form.GetByTestId("field-fill")).ToContainTextAsync("keep");
            await Expect(form.GetByTestId("fill-warning")).ToHaveCountAsync(0);
            await form.GetByTestId("field-name").FillAsync("seg");
            await form.GetByTestId("field-segment").FillAsync(segment);
            await form.GetByTestId("create-submit").ClickAsync();
            await Expect(page.GetByTestId("create-error")).ToContainTextAsync($"no shared memory segment '{segment}'; existing:");
            Assert.False(File.Exists($"/dev/shm/{segment}"));

            await PickAsync(page, "field-fill", "ramp");
            await Expect(form.GetByTestId("fill-warning")).ToContainTextAsync($"overwrites segment '{segment}'");
            await form.GetByTestId("field-create").ClickAsync();
            await Expect(form.GetByTestId("fill-warning")).ToHaveCountAsync(0); // a new segment holds nobody's data
            await form.GetByTestId("create-submit").ClickAsync();
            var row = page.GetByTestId("buffer-seg");
            await Expect(row).ToContainTextAsync($"shm {segment}");
            await Expect(row).ToHaveClassAsync(new Regex("selected"));
            Assert.True(File.Exists($"/dev/shm/{segment}"));
            await page.GetByTestId("free-seg").ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
            Assert.False(File.Exists($"/dev/shm/{segment}"));
        }
        finally { File.Delete($"/dev/shm/{segment}"); }
    }
}
