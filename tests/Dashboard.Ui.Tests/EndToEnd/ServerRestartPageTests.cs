using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>A session's page after its server was stopped and started again: it says so, and its console and buffers are as they were.</summary>
public sealed class ServerRestartPageTests(BrowserFixture browser) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _data = TestServer.NewDataDirectory();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task AfterAServerRestart_ThePageSaysSo_WithItsHistoryAndBuffers()
    {
        var token = TestServer.NewToken();
        string sid;
        await using (var first = await TestServer.StartAsync($"--Bufferscope:DataDirectory={_data}", $"--Bufferscope:AccessToken={token}"))
        {
            using var http = first.Client();
            sid = (await (await http.PostAsJsonAsync("/api/sessions", new { name = "durable" }, Ct)).Content.ReadFromJsonAsync<SessionDto>(BrowserFixture.Json, Ct))!.Id;
            foreach (var code in new[] { "import bufferscope\nframe = bufferscope.MemBuf([4, 8], 'B', data=bytes(range(32)))", "bytes(frame)[:4]", "1/0" })
                (await http.PostAsJsonAsync($"/api/sessions/{sid}/run", new { code }, Ct)).EnsureSuccessStatusCode();
        }

        await using var second = await TestServer.StartAsync($"--Bufferscope:DataDirectory={_data}", $"--Bufferscope:AccessToken={token}");
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            BaseURL = second.BaseAddress.ToString(),
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/sessions/{sid}?token={token}");

        await Expect(page.GetByTestId("kernel-state")).ToHaveTextAsync("kernel idle");
        await Expect(page.GetByTestId("kernel-previous")).ToContainTextAsync("the server restarted: a fresh kernel, 1 buffer bound again");
        await Expect(page.GetByTestId("buffer-frame")).ToBeVisibleAsync();
        var console = page.GetByTestId("console-output");
        await Expect(console).ToContainTextAsync("In [2]: bytes(frame)[:4]");
        await Expect(console).ToContainTextAsync("b'\\x00\\x01\\x02\\x03'");
        await Expect(console).ToContainTextAsync("ZeroDivisionError: division by zero");
        await Expect(page.GetByTestId("hex-view").Locator("[data-at='3']")).ToHaveTextAsync("03"); // the bytes as they were, on a fresh kernel

        await page.GetByTestId("console-input").FillAsync("bytes(frame)[-1]");
        await page.GetByTestId("console-run").ClickAsync();
        await Expect(console).ToContainTextAsync("In [4]: bytes(frame)[-1]");
        await Expect(console).ToContainTextAsync("31");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "session-after-server-restart.png"), FullPage = true });
    }
}
