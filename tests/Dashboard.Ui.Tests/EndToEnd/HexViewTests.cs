using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>
/// The hex view as people use ImHex or VS Code's hex editor: header, keyboard selection, copy,
/// search over the whole buffer; and the byte map, the buffer's elements coloured through its
/// format, shape, strides and offset. Real server, real kernels, real chromium.
/// </summary>
public sealed class HexViewTests(BrowserFixture browser)
{
    /// <summary>Where the issue asks for the byte map's screenshots (also kept with the others).</summary>
    private const string Shots = "/tmp/shots-hex";

    private static ILocator Hex(IPage page) => page.GetByTestId("hex-view");
    private static ILocator Byte(IPage page, long at) => Hex(page).Locator($"[data-at='{at}']");

    private static async Task<(string Session, IPage Page)> OpenAsync(BrowserFixture browser, string name, string makeFrame, int width = 1280, int height = 800)
    {
        var (session, page) = await browser.OpenSessionWithFrameAsync(name, makeFrame, width, height);
        // The script that passes keys on is attached after the first render: keys before it are lost.
        await Expect(page.Locator("[data-testid=hex-view][data-keys=on]")).ToBeVisibleAsync();
        return (session.Id, page);
    }

    private static ILocator Inspected(IPage page, string type) =>
        page.GetByTestId("value-inspector").Locator($"tr[data-type='{type}'] td[data-order='little']");

    [Fact]
    public async Task Header_AndAShortLastRow_ColumnsLineUp()
    {
        var (_, page) = await OpenAsync(browser, "hex-header", "frame = bufferscope.MemBuf([20], 'B', fill='ramp')");
        var header = page.GetByTestId("hex-header");
        await Expect(header.Locator(".hex-bytes span")).ToHaveTextAsync([.. Enumerable.Range(0, 16).Select(i => i.ToString("x2"))]);
        await Expect(Byte(page, 19)).ToHaveTextAsync("13");

        // Row 1 has 4 bytes: its ASCII column starts where row 0's does, and the header's 0f sits over byte 0f.
        var full = await Hex(page).Locator(".hex-row[data-offset='0'] .hex-ascii").BoundingBoxAsync();
        var shortRow = await Hex(page).Locator(".hex-row[data-offset='16'] .hex-ascii").BoundingBoxAsync();
        Assert.Equal(full!.X, shortRow!.X, 0.5);
        var column = await header.Locator(".hex-bytes span").Nth(15).BoundingBoxAsync();
        var lastByte = await Byte(page, 15).BoundingBoxAsync();
        Assert.Equal(lastByte!.X, column!.X, 0.5);
        Assert.Equal(full.X, (await header.Locator(".hex-ascii").BoundingBoxAsync())!.X, 0.5);
    }

    [Fact]
    public async Task Keys_ArrowsPagesAndShift_MoveAndGrowTheSelection_InspectorReadsItsStart()
    {
        var (_, page) = await OpenAsync(browser, "hex-keys", "frame = bufferscope.MemBuf([4096], 'B', fill='ramp')");
        var selection = page.GetByTestId("hex-selection");
        await Byte(page, 0).ClickAsync();
        await Expect(selection).ToHaveTextAsync("selected byte 0 (0x0)");

        await Hex(page).PressAsync("ArrowRight");
        await Expect(selection).ToHaveTextAsync("selected byte 1 (0x1)");
        await Expect(page.GetByTestId("value-inspector")).ToContainTextAsync("At offset 1 (0x1)");
        await Hex(page).PressAsync("ArrowDown");
        await Expect(selection).ToHaveTextAsync("selected byte 17 (0x11)");
        // A screen down (18 rows): byte 305 is scrolled into view, selected.
        await Hex(page).PressAsync("PageDown");
        await Expect(selection).ToHaveTextAsync("selected byte 305 (0x131)");
        await Expect(Byte(page, 305)).ToHaveClassAsync(new Regex(@"\bhex-sel\b"));
        await Expect(Inspected(page, "uint8")).ToHaveTextAsync("49"); // 305 % 256

        await Hex(page).PressAsync("Shift+ArrowRight");
        await Hex(page).PressAsync("Shift+ArrowRight");
        await Expect(selection).ToHaveTextAsync("selected [305, 308) · 3 bytes");
        // Back past the anchor: the range runs the other way, and the inspector reads its new start.
        foreach (var _ in Enumerable.Range(0, 4))
            await Hex(page).PressAsync("Shift+ArrowLeft");
        await Expect(selection).ToHaveTextAsync("selected [303, 306) · 3 bytes");
        await Expect(Inspected(page, "uint8")).ToHaveTextAsync("47");
        await Expect(Inspected(page, "uint16")).ToHaveTextAsync((47 + 48 * 256).ToString());

        await Byte(page, 310).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Expect(selection).ToHaveTextAsync("selected [305, 311) · 6 bytes");
        await Expect(Hex(page).Locator(".hex-sel[data-at]")).ToHaveCountAsync(6);
        await Hex(page).PressAsync("PageUp");
        await Expect(selection).ToHaveTextAsync("selected byte 22 (0x16)");
    }

    [Fact]
    public async Task Copy_CtrlCAndEveryCopyAsForm_GiveBackTheSelectedBytes()
    {
        var (session, page) = await OpenAsync(browser, "hex-copy", "import struct\nframe = bufferscope.MemBuf([4], '<d', data=struct.pack('<4d', 1.5, -2.0, 3.25, 1e300))");
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Byte(page, 8).ClickAsync();
        await Byte(page, 23).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Expect(page.GetByTestId("hex-selection")).ToHaveTextAsync("selected [8, 24) · 16 bytes");

        await Hex(page).PressAsync("Control+c");
        await Expect(page.GetByTestId("hex-copy-note")).ToContainTextAsync("copied 16 bytes as Hex");
        Assert.Equal("00 00 00 00 00 00 00 c0 00 00 00 00 00 00 0a 40", await ClipboardAsync(page));

        async Task<string> CopyAsAsync(string format)
        {
            await page.GetByTestId("hex-copy-as").ClickAsync();
            await page.GetByTestId($"copy-{format}").ClickAsync();
            await Expect(page.GetByTestId("hex-copy-note")).ToContainTextAsync("copied 16 bytes as");
            return await ClipboardAsync(page);
        }
        var numpy = await CopyAsAsync("Numpy");
        Assert.Equal("[-2.0, 3.25]", (await browser.RunAsync(session, $"import numpy as np\nstr(({numpy}).tolist())")).Result?.Trim('\''));
        var literal = await CopyAsAsync("PythonBytes");
        Assert.Equal("True", (await browser.RunAsync(session, $"{literal} == bytes(frame)[8:24]")).Result);
        var base64 = await CopyAsAsync("Base64");
        Assert.Equal("True", (await browser.RunAsync(session, $"import base64\nbase64.b64decode('{base64}') == bytes(frame)[8:24]")).Result);
        var c = await CopyAsAsync("CArray");
        Assert.StartsWith("unsigned char data[16] = { 0x00, 0x00", c);
        Assert.EndsWith("0x0a, 0x40 };", c);
    }

    private static async Task<string> ClipboardAsync(IPage page)
    {
        // The clipboard is written after a round trip to the server: wait until it holds something new.
        await page.WaitForFunctionAsync("async prev => (await navigator.clipboard.readText()) !== prev", await LastClipboardAsync(page));
        var text = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        await page.EvaluateAsync("t => window.__lastClipboard = t", text);
        return text;
    }

    private static async Task<string> LastClipboardAsync(IPage page) => await page.EvaluateAsync<string?>("() => window.__lastClipboard ?? ''") ?? "";

    [Fact]
    public async Task Find_HexAndText_SearchesTheWholeBuffer_AndSaysWhenNotFoundOrMistyped()
    {
        var (_, page) = await OpenAsync(browser, "hex-find", "frame = bufferscope.MemBuf([1 << 20], 'B')\nwith memoryview(frame) as m:\n    m[600000:600004] = bytes.fromhex('deadbeef')\n    m[900000:900006] = b'needle'");
        var find = page.GetByTestId("hex-find");
        var next = page.GetByTestId("hex-find-next");
        var note = page.GetByTestId("hex-find-note");
        var selection = page.GetByTestId("hex-selection");

        // The first search starts at the selection itself (byte 0), not after it.
        await find.FillAsync("00 00");
        await next.ClickAsync();
        await Expect(note).ToHaveTextAsync("00 00 at 0 (0x0)");
        await find.FillAsync("de ad be ef");
        await next.ClickAsync();
        await Expect(selection).ToHaveTextAsync("selected [600000, 600004) · 4 bytes");
        await Expect(note).ToHaveTextAsync("de ad be ef at 600000 (0x927c0)");
        await Expect(Byte(page, 600003)).ToHaveTextAsync("ef"); // scrolled there: far past the window shown at first

        await page.GetByTestId("hex-find-text").CheckAsync();
        await find.FillAsync("needle");
        await next.ClickAsync();
        await Expect(selection).ToHaveTextAsync("selected [900000, 900006) · 6 bytes");
        // Find next again: nothing after it, so the search wraps and comes back to the only match.
        await next.ClickAsync();
        await Expect(note).ToHaveTextAsync("\"needle\" at 900000 (0xdbba0), wrapped to the start");

        await find.FillAsync("haystack");
        await next.ClickAsync();
        await Expect(note).ToHaveTextAsync("\"haystack\" not found: it occurs nowhere in the 1048576 bytes of frame");
        await Expect(selection).ToHaveTextAsync("selected [900000, 900006) · 6 bytes");

        await page.GetByTestId("hex-find-text").UncheckAsync();
        await find.FillAsync("de ad zz");
        await next.ClickAsync();
        await Expect(page.GetByTestId("hex-search")).ToContainTextAsync("'z' in 'zz' is not a hex digit: use hex digits 0-9 and a-f, two per byte");
    }

    [Fact]
    public async Task ByteMap_FortranNegativeAndPadded_ColoursElements_HoverNamesIndexAndBytes()
    {
        var session = await browser.NewSessionAsync("bytemap");
        await browser.RunAsync(session.Id, """
            import bufferscope
            c = bufferscope.MemBuf((3, 4), '<d', fill='ramp')
            f = bufferscope.MemBuf((3, 4), '<d', order='F', fill='ramp')
            neg = bufferscope.MemBuf((4, 3), '<i', strides=(-12, 4), offset=36, fill='ramp')
            pad = bufferscope.MemBuf((2, 3), 'B', strides=(8, 2), offset=1, fill='ramp')
            """);
        var page = await browser.OpenSessionAsync(session.Id);
        var hover = page.GetByTestId("bytemap-hover");

        async Task ShowAsync(string name)
        {
            await page.GetByTestId($"buffer-{name}").ClickAsync();
            await Expect(page.Locator("h2", new() { HasText = $"Memory of {name}" })).ToBeVisibleAsync();
            await Expect(Byte(page, 0)).Not.ToHaveTextAsync("··");
        }

        // Fortran: memory runs down the columns, so neighbours are rows apart: [0, 0] [1, 0] [2, 0] [0, 1].
        await ShowAsync("f");
        await Expect(Byte(page, 0)).ToHaveClassAsync(new Regex(@"\bbm-0-0\b"));
        await Expect(Byte(page, 8)).ToHaveClassAsync(new Regex(@"\bbm-1-1\b"));
        await Expect(Byte(page, 24)).ToHaveClassAsync(new Regex(@"\bbm-0-1\b"));
        await Byte(page, 13).HoverAsync();
        await Expect(hover).ToContainTextAsync("element [1, 0] · bytes [8, 16)");
        // The hovered element's 8 bytes are outlined together.
        await Expect(Hex(page).Locator(".bm-hover")).ToHaveCountAsync(8);

        // Negative row stride: item [0, 0] is at the offset, 36; the rows before it are 3, 2, 1.
        await ShowAsync("neg");
        await Byte(page, 2).HoverAsync();
        await Expect(hover).ToContainTextAsync("element [3, 0] · bytes [0, 4)");
        await Byte(page, 40).HoverAsync();
        await Expect(hover).ToContainTextAsync("element [0, 1] · bytes [40, 44)");
        await Expect(Byte(page, 36)).ToHaveClassAsync(new Regex(@"\bbm-0-0\b"));
        await Expect(Byte(page, 0)).ToHaveClassAsync(new Regex(@"\bbm-3-1\b"));

        // Padding: items 2 apart, rows 8 apart, from byte 1: byte 0 and the gaps belong to nobody.
        await ShowAsync("pad");
        await Expect(Byte(page, 0)).ToHaveClassAsync(new Regex(@"\bbm-none\b"));
        await Expect(Byte(page, 2)).ToHaveClassAsync(new Regex(@"\bbm-none\b"));
        await Expect(Byte(page, 9)).ToHaveClassAsync(new Regex(@"\bbm-1-1\b"));
        await Byte(page, 2).HoverAsync();
        await Expect(hover).ToContainTextAsync("byte 2: no element uses it");

        await page.GetByTestId("bytemap-toggle").UncheckAsync();
        await Expect(Byte(page, 0)).Not.ToHaveClassAsync(new Regex(@"\bbm-none\b"));
    }

    /// <summary>The byte map of a C, a Fortran and a negative-stride buffer at 1280x800 and 390 px, for people to look at.</summary>
    [Fact]
    public async Task ByteMap_Screenshots_CFortranNegative_DesktopAndPhone()
    {
        Directory.CreateDirectory(Shots);
        var session = await browser.NewSessionAsync("bytemap-shots");
        await browser.RunAsync(session.Id, """
            import bufferscope
            c = bufferscope.MemBuf((3, 4), '<d', fill='ramp')
            fortran = bufferscope.MemBuf((3, 4), '<d', order='F', fill='ramp')
            negative = bufferscope.MemBuf((4, 3), '<i', strides=(-12, 4), offset=36, fill='ramp')
            """);
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            var page = await browser.OpenSessionAsync(session.Id, width, height);
            foreach (var (name, hovered, element) in new[] { ("c", 8L, "[0, 1]"), ("fortran", 8L, "[1, 0]"), ("negative", 0L, "[3, 0]") })
            {
                await BrowserFixture.PickBufferAsync(page, name);
                await Expect(page.Locator("h2", new() { HasText = $"Memory of {name}" })).ToBeVisibleAsync();
                await Expect(Byte(page, 0)).Not.ToHaveTextAsync("··");
                // Scroll first and hover after: a screenshot that scrolled would move the bytes under the pointer.
                await page.Locator(".panel", new() { Has = Hex(page) }).EvaluateAsync("p => { p.scrollIntoView({ block: 'start' }); window.scrollBy(0, -72); }");
                await Byte(page, hovered).HoverAsync();
                await Expect(page.GetByTestId("bytemap-hover")).ToContainTextAsync($"element {element}");
                var file = $"bytemap-{name}-{width}.png";
                await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, file) });
                File.Copy(Path.Combine(Shots, file), Path.Combine(BrowserFixture.Screenshots, file), overwrite: true);
            }
        }
    }
}
