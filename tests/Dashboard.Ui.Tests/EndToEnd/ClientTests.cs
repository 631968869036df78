using Bufferscope.Dashboard.Client;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>The dashboard's own client against the real server: commands over HTTP, events over the hub.</summary>
public sealed class ClientTests(BrowserFixture browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_GetSessionAndEvents_WorkAgainstTheRealServer()
    {
        var session = await browser.NewSessionAsync("client");
        await using var client = new BufferscopeClient(new ServerEndpoint(browser.BaseAddress, null));
        var got = await client.GetSessionAsync(session.Id, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("client", got.Name);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(15));
        var events = client.EventsAsync(session.Id, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        // The stream is subscribed once the hub says connected; then a run produces consoleRan.
        while (client.State != HubState.Connected) await Task.Delay(20, Ct);
        await Task.Delay(200, Ct);
        await client.RunAsync(session.Id, "1", Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(await next);
        Assert.Equal("consoleRan", events.Current.Kind);
        await cts.CancelAsync();
    }
}
