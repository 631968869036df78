using Bufferscope.Dashboard.Tests;
using Bufferscope.Dashboard.Api.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using System.Net.Http.Json;
using System.Text.Json;

[assembly: AssemblyFixture(typeof(Bufferscope.Dashboard.Ui.Tests.EndToEnd.BrowserFixture))]

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>
/// The real server (Kestrel on 127.0.0.1, embedded Python) and Debian's chromium, headless,
/// driven by Playwright. One of each per test process; every test gets its own page and session.
/// The browser signs in once as a user does, by opening <c>/?token=...</c>; each page's context
/// starts with the ticket cookie that gave it, as tabs of one browser share it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/lib/chromium/chromium";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    /// <summary>Where the tests leave their screenshots (looked at by people, kept by CI).</summary>
    public static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public TestServer Server { get; private set; } = null!;
    public WebApplication App => Server.App;
    public Uri BaseAddress => Server.BaseAddress;
    public HttpClient Http { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TestServer.StartAsync("--Bufferscope:Limits:RunsPerMinute=100000", "--Bufferscope:Limits:MaxSessions=1000", "--Bufferscope:Kernels:Warm=1");
        Http = Server.Client();
        Directory.CreateDirectory(Screenshots);
        // This VM is slow and a page's first render pulls MudBlazor's scripts: waits allow 15 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await using var signIn = await NewContextAsync(1280, 800, signedIn: false);
        var page = await signIn.NewPageAsync();
        await page.GotoAsync($"/?token={Server.Token}");
        _signedIn = await signIn.StorageStateAsync();
    }

    private string? _signedIn;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<IBrowserContext>> s_opened = new();

    /// <summary>Closes what test <paramref name="testId"/> opened (<see cref="ClosePagesAfterTestAttribute"/>).</summary>
    internal static async Task CloseContextsOf(string testId)
    {
        if (s_opened.TryRemove(testId, out var contexts))
            foreach (var context in contexts)
                await context.CloseAsync();
    }

    /// <summary>A browser context (cookies of its own), with the fixture's sign-in or none.</summary>
    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 800, bool signedIn = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = BaseAddress.ToString(),
            StorageState = signedIn ? _signedIn : null,
        });
        context.SetDefaultTimeout(15_000);
        if (Xunit.TestContext.Current.Test?.UniqueID is { } test)
            s_opened.GetOrAdd(test, _ => []).Add(context);
        return context;
    }

    /// <summary>A new page at <paramref name="width"/>x<paramref name="height"/>, in its own browser context.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await NewContextAsync(width, height);
        return await context.NewPageAsync();
    }

    /// <summary>A new page on session <paramref name="sessionId"/>'s page, once its live connection is up.</summary>
    public async Task<IPage> OpenSessionAsync(string sessionId, int width = 1280, int height = 800)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync($"/sessions/{sessionId}");
        await Assertions.Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("live"));
        return page;
    }

    /// <summary>A new session in which <paramref name="makeFrame"/> (after <c>import bufferscope</c>) binds <c>frame</c>, open once the buffer is listed.</summary>
    public async Task<(SessionDto Session, IPage Page)> OpenSessionWithFrameAsync(string name, string makeFrame, int width = 1280, int height = 800)
    {
        var session = await NewSessionAsync(name);
        await RunAsync(session.Id, "import bufferscope\n" + makeFrame);
        var page = await OpenSessionAsync(session.Id, width, height);
        await Assertions.Expect(page.GetByTestId("buffer-frame")).ToBeVisibleAsync();
        return (session, page);
    }

    /// <summary>
    /// Selects buffer <paramref name="name"/> in the session page's list. Below 1100 px the list
    /// shows the selected buffer only: "Show all" opens it first, as a person would.
    /// </summary>
    public static async Task PickBufferAsync(IPage page, string name)
    {
        var row = page.GetByTestId($"buffer-{name}");
        await Assertions.Expect(row).ToBeAttachedAsync();
        if (!await row.IsVisibleAsync())
            await page.GetByTestId("buffers-toggle").ClickAsync();
        await row.ClickAsync();
    }

    public async Task<SessionDto> NewSessionAsync(string name)
    {
        var response = await Http.PostAsJsonAsync("/api/sessions", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionDto>(Json))!;
    }

    /// <summary>Runs <paramref name="code"/> in the page's console and waits for its answer: its prompt shows and "running…" is gone.</summary>
    public static async Task ConsoleAsync(IPage page, string code)
    {
        var runs = await page.Locator(".out-code").CountAsync();
        await page.GetByTestId("console-input").FillAsync(code);
        await page.GetByTestId("console-run").ClickAsync();
        await Assertions.Expect(page.Locator(".out-code")).ToHaveCountAsync(runs + 1);
        await Assertions.Expect(page.GetByTestId("console-output")).Not.ToContainTextAsync("running…");
    }

    /// <summary>The session's console runs, as the API keeps them (the last is the newest).</summary>
    public async Task<IReadOnlyList<HistoryDto>> HistoryAsync(string session) =>
        (await Http.GetFromJsonAsync<List<HistoryDto>>($"/api/sessions/{session}/history", Json))!;

    public async Task<RunResponse> RunAsync(string session, string code)
    {
        var response = await Http.PostAsJsonAsync($"/api/sessions/{session}/run", new { code });
        response.EnsureSuccessStatusCode();
        var run = (await response.Content.ReadFromJsonAsync<RunResponse>(Json))!;
        Assert.True(run.Ok, $"{code}\n---\n{run.Error?.Traceback}");
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
