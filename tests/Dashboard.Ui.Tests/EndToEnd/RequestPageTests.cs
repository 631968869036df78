using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>The request workbench in the real browser, against the real server's kernel and CPython's _testbuffer.</summary>
public sealed class RequestPageTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each flag whose name is cut or reaches past its grid cell, as "name: why".</summary>
    private const string CutFlagNames = """
        () => [...document.querySelectorAll('[data-testid=request-flags] .request-flag-name')].flatMap(name => {
            const cell = name.closest('.request-flags > *').getBoundingClientRect();
            const text = name.getBoundingClientRect();
            return text.right <= cell.right + 0.5 && name.scrollWidth <= name.clientWidth + 1 && text.height < 20
                ? [] : [`${name.textContent}: text ${text.left}-${text.right} (${text.height} px high), cell ${cell.left}-${cell.right}`];
        })
        """;

    /// <summary>The workbench's exporter and reference cells of a field's row.</summary>
    private static ILocator Cell(IPage page, string field, int column) =>
        page.GetByTestId("request-fields").Locator($"tr[data-field={field}] td").Nth(column);

    private static ILocator Flag(IPage page, string name) => page.GetByTestId("request-flags").GetByTestId($"request-flag-{name}");

    /// <summary>What the API answers for the same request: the page must show this, field for field.</summary>
    private async Task<JsonElement> ApiAsync(string session, long buffer, int flags)
    {
        var response = await browser.Http.PostAsJsonAsync($"/api/sessions/{session}/request", new { bufferId = buffer, flags }, Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task ShootAsync(IPage page, string name)
    {
        await page.GetByTestId("request").ScrollIntoViewIfNeededAsync();
        await page.Mouse.MoveAsync(0, 0); // the mouse left over a flag after a click shows its tooltip over the panel
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"{name}.png") });
        await page.GetByTestId("request").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"{name}-panel.png") });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"{name}-full.png"), FullPage = true });
    }

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task FULL_RO_of_a_read_only_buffer_answers_as_the_reference_and_WRITABLE_is_refused(int width, int height)
    {
        var session = await browser.NewSessionAsync($"workbench{width}");
        // Another buffer first: the read-only one must be picked, not merely the only one.
        await browser.RunAsync(session.Id, "import bufferscope\nother = bufferscope.MemBuf([8], 'B')\nro = bufferscope.MemBuf([2, 3], 'd', order='F', readonly=True)");
        var buffers = await browser.Http.GetFromJsonAsync<List<JsonElement>>($"/api/sessions/{session.Id}/buffers", BrowserFixture.Json, Ct);
        var ro = buffers!.Single(b => b.GetProperty("name").GetString() == "ro").GetProperty("id").GetInt64();
        var page = await browser.OpenSessionAsync(session.Id, width, height);
        await BrowserFixture.PickBufferAsync(page, "ro");
        await Expect(page.GetByTestId("inspector").Locator("h2")).ToHaveTextAsync("Memory of ro");
        var panel = page.GetByTestId("request");
        await Expect(panel.Locator("label", new() { Has = page.GetByTestId("request-target-buffer") })).ToContainTextAsync($"ro (#{ro})");

        // Each flag says in plain words what it asks.
        await Flag(page, "PyBUF_WRITABLE").HoverAsync();
        await Expect(page.Locator(".mud-popover-open", new() { HasText = "the consumer will write: a read-only exporter must refuse" })).ToBeVisibleAsync();

        // WRITABLE ticked, then PyBUF_FULL_RO picked by name: the bits are the name's, the box unticked.
        await Flag(page, "PyBUF_WRITABLE").CheckAsync();
        await Expect(page.GetByTestId("request-value")).ToHaveTextAsync("0x11d PyBUF_FULL");
        await panel.GetByTestId("request-named").Locator("xpath=ancestor::div[contains(@class,'mud-select')][1]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex(@"^\s*PyBUF_FULL_RO\b") }).ClickAsync();
        await Expect(page.GetByTestId("request-value")).ToHaveTextAsync("0x11c PyBUF_FULL_RO");
        await Expect(Flag(page, "PyBUF_WRITABLE")).Not.ToBeCheckedAsync();
        await Expect(Flag(page, "PyBUF_INDIRECT")).ToBeCheckedAsync();

        await page.GetByTestId("request-run").ClickAsync();
        var result = page.GetByTestId("request-result");
        await Expect(result.GetByTestId("request-outcome")).ToHaveTextAsync("answered");
        var api = await ApiAsync(session.Id, ro, 0x11c);
        var view = api.GetProperty("view");
        await Expect(result.GetByTestId("request-exporter")).ToHaveTextAsync("bufferscope.MemBuf");
        await Expect(Cell(page, "format", 1)).ToHaveTextAsync("\"d\"");
        await Expect(Cell(page, "shape", 1)).ToHaveTextAsync("(2, 3)");
        await Expect(Cell(page, "strides", 1)).ToHaveTextAsync("(8, 16)"); // Fortran order, as the API says
        Assert.Equal("[8,16]", view.GetProperty("strides").GetRawText());
        await Expect(Cell(page, "readonly", 1)).ToHaveTextAsync("1");
        await Expect(Cell(page, "len", 1)).ToHaveTextAsync(view.GetProperty("len").GetInt64().ToString());
        await Expect(Cell(page, "suboffsets", 1)).ToHaveTextAsync("NULL");
        await Expect(Cell(page, "strides", 2)).ToHaveTextAsync("(8, 16)");
        await Expect(result.GetByTestId("request-made")).ToHaveTextAsync(api.GetProperty("reference").GetProperty("made").GetString()!);
        await Expect(result.GetByTestId("request-agreement")).ToHaveTextAsync("agrees with the reference: the same fields");
        await Expect(result.Locator("tr.differs")).ToHaveCountAsync(0);
        await ShootAsync(page, $"request-answered-{width}");

        // WRITABLE on read-only memory: the exporter must refuse, and the reference refuses too.
        await Flag(page, "PyBUF_WRITABLE").CheckAsync();
        await Expect(page.GetByTestId("request-value")).ToHaveTextAsync("0x11d PyBUF_FULL");
        await page.GetByTestId("request-run").ClickAsync();
        await Expect(result.GetByTestId("request-outcome")).ToHaveTextAsync("refused");
        var refused = await ApiAsync(session.Id, ro, 0x11d);
        var error = refused.GetProperty("error");
        Assert.Equal("BufferError", error.GetProperty("type").GetString());
        await Expect(result.GetByTestId("request-refusal")).ToHaveTextAsync($"BufferError: {error.GetProperty("message").GetString()}");
        await Expect(result.GetByTestId("request-fields")).ToHaveCountAsync(0); // neither filled a field
        await Expect(result.GetByTestId("request-reference-refusal")).ToContainTextAsync("BufferError");
        await Expect(result.GetByTestId("request-agreement")).ToHaveTextAsync("agrees with the reference: it refuses too");
        await ShootAsync(page, $"request-refused-{width}");

        // Nothing is left exported: each view was released before its answer.
        await Expect(page.GetByTestId("exports-ro")).ToHaveTextAsync("0");
        var box = (await panel.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"the workbench is at {box.X}..{box.X + box.Width} on a {width} px screen");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width);
        // Every flag's name whole inside its box's row, however many columns the width gives.
        Assert.Empty(await page.EvaluateAsync<string[]>(CutFlagNames));
    }
}
