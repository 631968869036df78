using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Components.Panels;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

[Collection(nameof(ComponentsCollection))]
public sealed class ViewsPanelTests : ComponentTest
{
    private static ViewDto View(long id) => new(id, 0x11c, ["PyBUF_WRITABLE", "PyBUF_FORMAT", "PyBUF_ND", "PyBUF_STRIDES"], false, "B", 2, [4, 4], [4, 1], DateTimeOffset.Now, "<console:demo:3>:1");

    [Fact]
    public async Task Views_AcquireAndRelease_RowsAppearAndDisappear()
    {
        var buffer = FakeBufferscopeClient.Buffer(1, "frame");
        Client.Buffers[1] = buffer;
        var panel = Render<ViewsPanel>(p => p.Add(x => x.SessionId, "s1").Add(x => x.Buffer, buffer));
        await Until(() => Client.EventSubscribers == 1, "the panel subscribed to events");
        Assert.Empty(panel.FindAll("[data-testid=view-row]"));

        Client.Buffers[1] = buffer with { Exports = 1, Views = [View(5)] };
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 1, View(5)));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=view-row]")), Wait);
        var row = panel.Find("[data-testid=view-row]").TextContent;
        Assert.Contains("PyBUF_WRITABLE | PyBUF_FORMAT", row);
        Assert.Contains("<console:demo:3>:1", row);

        Client.Buffers[1] = buffer with { Exports = 2, Views = [View(5), View(6)] };
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 2, View(6)));
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=view-row]").Count), Wait);

        Client.Buffers[1] = buffer;
        Client.Publish(FakeBufferscopeClient.Event("exportReleased", 1, "frame", 0));
        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("[data-testid=view-row]")), Wait);
    }

    [Fact]
    public async Task ConsumerButton_RunsTheSnippetInTheSession()
    {
        var buffer = FakeBufferscopeClient.Buffer(1, "frame");
        Client.Buffers[1] = buffer;
        var panel = Render<ViewsPanel>(p => p.Add(x => x.SessionId, "s1").Add(x => x.Buffer, buffer));
        // The panel's first render is final here (the fake answers at once): the button's handler is current.
        panel.Find("button[data-testid=make-memoryview]").Click();
        await Until(() => Client.Runs.Any(code => code.Contains("memoryview(frame)")), "the memoryview snippet sent");
    }
}
