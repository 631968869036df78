using Bufferscope.Dashboard.Model;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>The memory inspector's three tabs, in the real browser against the real server.</summary>
public sealed class InspectorTests(BrowserFixture browser)
{
    private async Task<(string Session, IPage Page)> OpenWithFrameAsync(string name, string makeFrame)
    {
        var (session, page) = await browser.OpenSessionWithFrameAsync(name, "import struct\n" + makeFrame);
        return (session.Id, page);
    }

    [Fact]
    public async Task JumpToOffset_DeepInAMegabyte_ShowsThatByte_AndOutOfRangeIsRefused()
    {
        var (_, page) = await OpenWithFrameAsync("jump", "frame = bufferscope.MemBuf([1 << 20], 'B')\nwith memoryview(frame) as m: m[700000] = 0x7e");
        var hex = page.GetByTestId("hex-view");
        var go = page.GetByRole(AriaRole.Button, new() { Name = "Go", Exact = true });

        await page.GetByTestId("hex-jump").FillAsync("0xAAE60"); // 700000
        await go.ClickAsync();
        await Expect(hex.Locator("[data-at='700000']")).ToHaveTextAsync("7e");
        await Expect(hex.Locator("[data-at='700001']")).ToHaveTextAsync("00");

        await page.GetByTestId("hex-jump").FillAsync("1048576");
        await page.GetByTestId("hex-jump").PressAsync("Enter");
        await Expect(page.GetByText("an offset from 0 to 1048575 (or 0x0 to 0xfffff)")).ToBeVisibleAsync();
        // Refused input leaves the view where it was.
        await Expect(hex.Locator("[data-at='700000']")).ToHaveTextAsync("7e");

        // The Hex tab, opened again, comes back at the selected byte.
        await page.Locator(".mud-tab", new() { HasText = "Elements" }).ClickAsync();
        await Expect(page.GetByTestId("element-grid")).ToBeVisibleAsync();
        await page.Locator(".mud-tab", new() { HasText = "Hex" }).ClickAsync();
        await Expect(hex.Locator("[data-at='700000']")).ToHaveTextAsync("7e");
    }

    [Fact]
    public async Task ElementGrid_WriteAnInt64AboveTwoToThe53_PythonReadsItExactly()
    {
        var (session, page) = await OpenWithFrameAsync("elements", "frame = bufferscope.MemBuf([2, 3], '<q')");
        await page.Locator(".mud-tab", new() { HasText = "Elements" }).ClickAsync();
        var grid = page.GetByTestId("element-grid");
        // Row 1, column 2: the header row comes first, and each row starts with its <th>.
        var cell = grid.Locator("tr").Nth(2).Locator("td").Nth(2);
        await Expect(cell).ToHaveTextAsync("0");
        await cell.ClickAsync();
        await Expect(page.GetByText("[1, 2] → bytes [40, 48)")).ToBeVisibleAsync();

        // 2**53 + 1 has no double: a path through JavaScript numbers or double would write 2**53.
        await page.GetByTestId("element-edit").FillAsync("9007199254740993");
        await page.GetByTestId("element-write").ClickAsync();
        await Expect(cell).ToHaveTextAsync("9007199254740993");
        var read = await browser.RunAsync(session, "struct.unpack_from('<q', frame, 40)[0]");
        Assert.Equal("9007199254740993", read.Result);

        await page.GetByTestId("element-edit").FillAsync("9223372036854775808"); // 2**63: one past int64
        await page.GetByTestId("element-write").ClickAsync();
        // The editor's own helper text: the create form's fields have helper texts too.
        var editor = page.Locator("form", new() { Has = page.GetByTestId("element-edit") });
        await Expect(editor.Locator(".mud-input-helper-text")).ToContainTextAsync("9223372036854775807");
        Assert.Equal("9007199254740993", (await browser.RunAsync(session, "struct.unpack_from('<q', frame, 40)[0]")).Result);
    }

    [Fact]
    public async Task ElementGrid_ReadsAsStructDoes_AndACharItemWritesBackAsShown()
    {
        // A float32 0.1 is 0.10000000149011612 to Python; the old grid showed numpy's "0.1".
        var (session, page) = await OpenWithFrameAsync("codec", """
            frame = bufferscope.MemBuf([3], '<f')
            struct.pack_into('<3f', frame, 0, 0.1, 1e16, -1e-5)
            chars = bufferscope.MemBuf([2], 'c')
            struct.pack_into('c', chars, 0, b'\n')
            """);
        await page.Locator(".mud-tab", new() { HasText = "Elements" }).ClickAsync();
        var row = page.GetByTestId("element-grid").Locator("tr").Nth(1).Locator("td");
        var python = (await browser.RunAsync(session, "' '.join(repr(v) for v in struct.unpack('<3f', frame))")).Result!.Trim('\'').Split(' ');
        Assert.Equal(["0.10000000149011612", "1.0000000272564224e+16", "-9.999999747378752e-06"], python);
        for (var i = 0; i < 3; i++)
            await Expect(row.Nth(i)).ToHaveTextAsync(python[i]);

        // A 'c' item shows as a bytes literal, and that text is what the editor takes back.
        await page.GetByTestId("buffer-chars").ClickAsync();
        await page.Locator(".mud-tab", new() { HasText = "Elements" }).ClickAsync();
        var first = page.GetByTestId("element-grid").Locator("tr").Nth(1).Locator("td").Nth(0);
        await Expect(first).ToHaveTextAsync(@"b'\n'");
        await first.ClickAsync();
        await page.GetByTestId("element-edit").FillAsync(@"b'\x7f'");
        await page.GetByTestId("element-write").ClickAsync();
        await Expect(first).ToHaveTextAsync(@"b'\x7f'");
        Assert.Equal(@"b'\x7f'", (await browser.RunAsync(session, "struct.unpack_from('c', chars, 0)[0]")).Result);
    }

    [Fact]
    public async Task Picture_OfA2DFloatBuffer_ColoursMinAndMax_AndFollowsAWrite()
    {
        var (session, page) = await OpenWithFrameAsync("picture", "frame = bufferscope.MemBuf([4, 8], '<d')\nimport numpy as np\na = np.frombuffer(frame, dtype='<f8').reshape(4, 8)\na[:] = np.arange(32).reshape(4, 8)\ndel a");
        await page.Locator(".mud-tab", new() { HasText = "Picture" }).ClickAsync();
        await Expect(page.GetByTestId("heatmap-min")).ToHaveTextAsync("0.0");
        await Expect(page.GetByTestId("heatmap-max")).ToHaveTextAsync("31.0");
        await ExpectPixelAsync(page, 0, 0, Colour(0));   // a[0, 0] = 0, the minimum
        await ExpectPixelAsync(page, 7, 3, Colour(254)); // a[3, 7] = 31, the maximum

        await browser.RunAsync(session, "import numpy as np\na = np.frombuffer(frame, dtype='<f8').reshape(4, 8)\na[3, 7] = -100.5\na[0, 1] = np.nan\ndel a");
        await Expect(page.GetByTestId("heatmap-min")).ToHaveTextAsync("-100.5");
        await Expect(page.GetByTestId("heatmap-max")).ToHaveTextAsync("30.0");
        await ExpectPixelAsync(page, 7, 3, Colour(0));
        await ExpectPixelAsync(page, 1, 0, Colour(HeatMapScale.NotFinite));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-picture.png") });
    }

    [Fact]
    public async Task Picture_OfA480x640Double_ShowsEveryRow_InProportion()
    {
        // 2.4 MB: the old picture read one 1 MiB window, rows 0-203, stretched to a square.
        var (_, page) = await OpenWithFrameAsync("picture-whole", "frame = bufferscope.MemBuf([480, 640], '<d')\nimport numpy as np\na = np.asarray(frame)\na[-3:, :] = 1e6\ndel a");
        await page.Locator(".mud-tab", new() { HasText = "Picture" }).ClickAsync();
        await Expect(page.GetByTestId("heatmap-max")).ToHaveTextAsync("1000000.0");
        await Expect(page.GetByText("all 480 × 640 as 256 × 192 cells, each cell the mean of its elements")).ToBeVisibleAsync();
        // The labels go out with the picture, the drawing just after: wait for the canvas to take its size.
        await page.WaitForFunctionAsync("() => { const c = document.querySelector('[data-testid=heatmap]'); return c.width === 256 && c.height === 192; }");
        await ExpectPixelAsync(page, 100, 191, Colour(254)); // the last rows, 477-479, at the bottom
        await ExpectPixelAsync(page, 100, 100, Colour(0));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-picture-480x640.png") });
    }

    /// <summary>
    /// The issue's figure: a 1024x1024 &lt;f4 rewritten 30 times a second (a[:] = k in a Python
    /// thread, time.time() stamped after each), against Date.now() when the page's max label
    /// first shows k. Same clock. Pictures that were overtaken are never drawn, so only some k show.
    /// </summary>
    [Fact]
    public async Task PictureLatency_1024x1024Float32WrittenAt30PerSecond_PrintsP50()
    {
        var (session, page) = await OpenWithFrameAsync("picture-latency", "frame = bufferscope.MemBuf([1024, 1024], '<f')");
        await page.Locator(".mud-tab", new() { HasText = "Picture" }).ClickAsync();
        await Expect(page.GetByTestId("heatmap-max")).ToHaveTextAsync("0.0");
        await page.EvaluateAsync(@"() => {
            window.__seen = {};
            const max = document.querySelector('[data-testid=heatmap-max]');
            new MutationObserver(() => {
                const k = String(parseFloat(max.textContent)); // the text 90.0 is write 90
                if (!(k in window.__seen)) window.__seen[k] = Date.now();
            }).observe(max, { subtree: true, childList: true, characterData: true });
        }");
        await browser.RunAsync(session, """
            import threading, time, numpy as np
            a = np.asarray(frame)
            stamps = {}
            def loop():
                for k in range(1, 91):
                    a[:] = k
                    stamps[k] = time.time()
                    time.sleep(1 / 30)
            writer = threading.Thread(target=loop)
            writer.start()
            """);
        var stamps = (await browser.RunAsync(session, "writer.join()\nimport json\njson.dumps({k: v * 1000 for k, v in stamps.items()})")).Result!;
        await page.WaitForFunctionAsync("() => '90' in window.__seen"); // the last write reaches the screen
        var written = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(stamps.Trim('\''))!;
        var seen = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__seen");
        var latencies = written.Where(w => seen.ContainsKey(w.Key)).Select(w => seen[w.Key] - w.Value).Order().ToList();
        var line = $"picture latency: p50 {latencies[latencies.Count / 2]:0} ms, max {latencies[^1]:0} ms ({latencies.Count} of 90 writes shown; 1024x1024 <f4 written 30/s, Python write to the picture's max label)";
        Console.WriteLine(line);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.Screenshots, "picture-latency.txt"), line + "\n", TestContext.Current.CancellationToken);
        TestContext.Current.SendDiagnosticMessage(line);
        await browser.RunAsync(session, "del a");
    }

    private static string Colour(int index) =>
        $"{HeatMapScale.Palette[index * 3]},{HeatMapScale.Palette[index * 3 + 1]},{HeatMapScale.Palette[index * 3 + 2]}";

    private static string Pixel(int x, int y) =>
        $"Array.from(document.querySelector('[data-testid=heatmap]').getContext('2d').getImageData({x}, {y}, 1, 1).data.slice(0, 3)).join(',')";

    /// <summary>Waits for the canvas pixel at (x, y) to be <paramref name="rgb"/>: the picture is drawn after the frame arrives.</summary>
    private static async Task ExpectPixelAsync(IPage page, int x, int y, string rgb)
    {
        try
        {
            await page.WaitForFunctionAsync($"() => {Pixel(x, y)} === '{rgb}'", null, new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            Assert.Equal(rgb, await page.EvaluateAsync<string>($"() => {Pixel(x, y)}"));
        }
    }
}
