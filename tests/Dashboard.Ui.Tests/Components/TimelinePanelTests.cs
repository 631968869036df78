using Bufferscope.Dashboard.Components.Panels;
using Bufferscope.Dashboard.Hubs;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

[Collection(nameof(ComponentsCollection))]
public sealed class TimelinePanelTests : ComponentTest
{
    [Fact]
    public async Task StreamedOutput_StaysInTheConsole_TheRunItselfIsListed()
    {
        var panel = Render<TimelinePanel>(p => p.Add(x => x.Feed, Feed()));
        await Until(() => Client.EventSubscribers == 1, "the feed subscribed");

        // A print loop streams a few outputs a second: in the timeline they would push every buffer event out.
        for (var i = 0; i < 200; i++)
            Client.Publish(FakeBufferscopeClient.Event("consoleOutput", 0, "", 0) with { BufferId = null, Output = new HubOutput(3, "stdout", $"line {i}\n") });
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 1));
        panel.WaitForAssertion(() => Assert.Equal(["exportAcquired"], panel.FindAll(".timeline-row").Select(r => r.GetAttribute("data-kind"))), Wait);
    }
}
