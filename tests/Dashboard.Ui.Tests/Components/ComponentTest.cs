using Bufferscope.Core;
using Bufferscope.Dashboard.Client;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

/// <summary>bunit with MudBlazor's services (transitions off), loose JS interop and the fake live feed.</summary>
public abstract class ComponentTest : BunitContext
{
    protected FakeBufferscopeClient Client { get; } = new();
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        Services.AddSingleton<IBufferscopeClient>(Client);
        Services.AddSingleton(new BufferscopeOptions());
        Services.AddSingleton<Feeds>();
        Render<MudPopoverProvider>();
    }

    /// <summary>A started feed of session "s1" on the fake client, as a session page makes one; disposed with the test.</summary>
    protected SessionFeed Feed()
    {
        var feed = new SessionFeed(Client, "s1");
        Services.GetRequiredService<Feeds>().All.Add(feed);
        feed.Start();
        return feed;
    }

    /// <summary>The feeds a test started: a singleton, so the context's service provider disposes them with it.</summary>
    private sealed class Feeds : IAsyncDisposable
    {
        public List<SessionFeed> All { get; } = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var feed in All)
                await feed.DisposeAsync();
        }
    }

    /// <summary>
    /// Polls for state no render reports (a subscription starting, a snippet sent): bunit's
    /// WaitForAssertion looks again only when the component renders, so it can miss these.
    /// </summary>
    protected static async Task Until(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Wait, $"not within {Wait.TotalSeconds} s: {what}");
            await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        }
    }
}
