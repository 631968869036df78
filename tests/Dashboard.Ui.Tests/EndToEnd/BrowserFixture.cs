using Bufferscope.Dashboard.Api.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using System.Net.Http.Json;
using System.Text.Json;

[assembly: AssemblyFixture(typeof(Bufferscope.Dashboard.Ui.Tests.EndToEnd.BrowserFixture))]

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>
/// The real server (Kestrel on 127.0.0.1, embedded Python) and Debian's chromium, headless,
/// driven by Playwright. One of each per test process; every test gets its own page and session.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/lib/chromium/chromium";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    /// <summary>Where the tests leave their screenshots (looked at by people, kept by CI).</summary>
    public static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = DashboardWebApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
            "--Bufferscope:Limits:RunsPerMinute=100000", "--Bufferscope:Limits:MaxSessions=1000"]);
        await App.StartAsync();
        BaseAddress = new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
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
    }

    /// <summary>A new page at <paramref name="width"/>x<paramref name="height"/>, in its own browser context.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = BaseAddress.ToString(),
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return page;
    }

    /// <summary>A new page on session <paramref name="sessionId"/>'s page, once its live connection is up.</summary>
    public async Task<IPage> OpenSessionAsync(string sessionId, int width = 1280, int height = 800)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync($"/sessions/{sessionId}");
        await Assertions.Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("live"));
        return page;
    }

    public async Task<SessionDto> NewSessionAsync(string name)
    {
        var response = await Http.PostAsJsonAsync("/api/sessions", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionDto>(Json))!;
    }

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
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
