using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

using Bufferscope.Dashboard.Tests;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>Signing in as a person does: the URL with the token, or the token pasted into the sign-in page.</summary>
public sealed class SignInTests(BrowserFixture browser)
{
    [Fact]
    public async Task TokenUrl_SignsIn_AddressBarLosesToken_AndThePageGoesLive()
    {
        await using var context = await browser.NewContextAsync(signedIn: false);
        var page = await context.NewPageAsync();
        var session = await browser.NewSessionAsync("signed-in");

        await page.GotoAsync($"/sessions/{session.Id}?token={browser.Server.Token}");

        Assert.Equal($"{browser.BaseAddress}sessions/{session.Id}", page.Url);
        // The page's circuit reaches the API and the hub with its browser's ticket.
        await Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new Regex("live"));
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name.StartsWith("bufferscope_ticket", StringComparison.Ordinal));
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(browser.Server.Token, cookie.Value);
        Assert.DoesNotContain(browser.Server.Token, await page.EvaluateAsync<string>("document.cookie + location.href + history.length"));
    }

    [Fact]
    public async Task PrintedUrl_OfTheServerAsAUserStartsIt_SignsInAndLeavesTheAddressBar()
    {
        await using var server = await ServerProcess.StartAsync([]);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(server.Url);

        Assert.Equal(server.BaseAddress + "", page.Url);
        await Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new Regex("live"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "signed-in.png") });
    }

    [Fact]
    public async Task NoToken_ShowsSignInPage_WherePastingTheTokenSignsIn()
    {
        await using var context = await browser.NewContextAsync(signedIn: false);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/");
        Assert.Equal(401, response!.Status);
        await Expect(page.GetByTestId("sign-in")).ToContainTextAsync("Bufferscope needs its access token");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "sign-in.png") });

        await page.GetByLabel("access token").FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("sign-in")).ToContainTextAsync("The token in this address is not this server's.");
        Assert.Empty(await context.CookiesAsync());

        await page.GetByLabel("access token").FillAsync(browser.Server.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("hub-status")).ToHaveTextAsync(new Regex("live"));
        Assert.Equal(browser.BaseAddress.ToString(), page.Url);
    }
}
