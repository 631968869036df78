using Bufferscope.Dashboard.Components.Panels;
using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Api.Contracts;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

[Collection(nameof(ComponentsCollection))]
public sealed class BuffersPanelTests : ComponentTest
{
    [Fact]
    public async Task Badge_ExportEvents_ShowTheLiveCount()
    {
        Client.Buffers[1] = FakeBufferscopeClient.Buffer(1, "frame");
        var panel = Render<BuffersPanel>(p => p.Add(x => x.Feed, Feed()));
        var badge = () => panel.Find("[data-testid=exports-frame]");
        await Until(() => Client.EventSubscribers == 1, "the feed subscribed");
        panel.WaitForAssertion(() => Assert.Equal("0", badge().TextContent), Wait);

        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 1));
        panel.WaitForAssertion(() => Assert.Equal("1", badge().TextContent), Wait);
        Assert.Contains("live", badge().ClassList);
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 2));
        Client.Publish(FakeBufferscopeClient.Event("exportReleased", 1, "frame", 1));
        panel.WaitForAssertion(() => Assert.Equal("1", badge().TextContent), Wait);
        Client.Publish(FakeBufferscopeClient.Event("exportReleased", 1, "frame", 0));
        panel.WaitForAssertion(() => Assert.Equal("0", badge().TextContent), Wait);
    }

    [Fact]
    public async Task Free_WhileExported_ExplainsTheServersRefusal()
    {
        Client.Buffers[1] = FakeBufferscopeClient.Buffer(1, "frame", exports: 1);
        Client.FreeFails = new BufferscopeApiException(409, "BufferError", "buffer 'frame' has 1 live export; release every view before freeing it", 1);
        var panel = Render<BuffersPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.SelectedId, 1L));
        panel.WaitForElement("[data-testid=free-frame]", Wait); // once the feed's snapshot is in
        await panel.InvokeAsync(() => panel.Find("[data-testid=free-frame]").Click()); // found and clicked in one renderer step
        panel.WaitForAssertion(() =>
        {
            var why = panel.Find("[data-testid=free-blocked]").TextContent;
            Assert.Contains("1 live export", why);
            Assert.Contains("Release them first", why);
        }, Wait);
    }

    [Fact]
    public async Task FreeRefused_ExportsReleased_WarningGoes()
    {
        Client.Buffers[1] = FakeBufferscopeClient.Buffer(1, "frame", exports: 6);
        Client.FreeFails = new BufferscopeApiException(409, "BufferError", "cannot free MemBuf 'frame': 6 exports are still live", 6);
        var panel = Render<BuffersPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.SelectedId, 1L));
        panel.WaitForElement("[data-testid=free-frame]", Wait);
        await panel.InvokeAsync(() => panel.Find("[data-testid=free-frame]").Click());
        panel.WaitForAssertion(() => Assert.Contains("6 exports", panel.Find("[data-testid=free-blocked]").TextContent), Wait);

        Client.Publish(FakeBufferscopeClient.Event("exportReleased", 1, "frame", 3));
        panel.WaitForAssertion(() => Assert.Equal("3", panel.Find("[data-testid=exports-frame]").TextContent), Wait);
        Assert.Single(panel.FindAll("[data-testid=free-blocked]")); // still true: 3 are live
        Client.Publish(FakeBufferscopeClient.Event("exportReleased", 1, "frame", 0));
        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("[data-testid=free-blocked]")), Wait);
    }

    [Fact]
    public async Task FreeRefused_AnotherBufferSelected_WarningGoes()
    {
        Client.Buffers[1] = FakeBufferscopeClient.Buffer(1, "frame", exports: 6);
        Client.Buffers[2] = FakeBufferscopeClient.Buffer(2, "other");
        Client.FreeFails = new BufferscopeApiException(409, "BufferError", "cannot free MemBuf 'frame': 6 exports are still live", 6);
        var panel = Render<BuffersPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.SelectedId, 1L));
        panel.WaitForElement("[data-testid=free-frame]", Wait);
        await panel.InvokeAsync(() => panel.Find("[data-testid=free-frame]").Click());
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=free-blocked]")), Wait);

        // As the page does when a row is clicked: the selection comes back as the parameter.
        panel.Render(p => p.Add(x => x.SelectedId, 2L));

        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("[data-testid=free-blocked]")), Wait);
        Assert.Equal("6", panel.Find("[data-testid=exports-frame]").TextContent); // frame's views are still live: only the selection moved
    }

    [Fact]
    public async Task Created_Event_AddsItsBuffer_AndTheNameItTakesLater_WithoutAReload()
    {
        var panel = Render<BuffersPanel>(p => p.Add(x => x.Feed, Feed()));
        await Until(() => Client.EventSubscribers == 1, "the feed subscribed");
        Assert.Empty(panel.FindAll("[data-testid^=buffer-]"));
        // Nothing in the fake's list: the event's descriptor is all the panel has.
        var made = FakeBufferscopeClient.Buffer(7, "buffer7");
        Client.Publish(FakeBufferscopeClient.Event("bufferCreated", 7, "buffer7", 0, buffer: made));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=buffer-buffer7]")), Wait);
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 7, "buffer7", 1));
        Client.Publish(FakeBufferscopeClient.Event("bufferCreated", 7, "img", 1, buffer: made with { Name = "img" }));
        panel.WaitForAssertion(() => Assert.Equal("1", panel.Find("[data-testid=exports-img]").TextContent), Wait);
        Assert.Empty(panel.FindAll("[data-testid=buffer-buffer7]"));
        Client.Publish(FakeBufferscopeClient.Event("bufferFreed", 7, "img", 0));
        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("[data-testid^=buffer-]")), Wait);
    }

    /// <summary>Issue 12, defects 1 and 4: what the layout and the memory are, where they are not the defaults, is on the row.</summary>
    [Fact]
    public void Row_OffsetAndAttachedMemory_AreShown()
    {
        Client.Buffers[1] = FakeBufferscopeClient.Buffer(1, "plain");
        Client.Buffers[2] = FakeBufferscopeClient.Buffer(2, "shifted") with { Offset = 30, Allocation = 46 };
        Client.Buffers[3] = FakeBufferscopeClient.Buffer(3, "seg") with { Source = new SourceDto("shm", null, "cam0", true) };
        Client.Buffers[4] = FakeBufferscopeClient.Buffer(4, "file") with { Source = new SourceDto("mmap", "/tmp/frame.bin", null, true) };
        var panel = Render<BuffersPanel>(p => p.Add(x => x.Feed, Feed()));
        panel.WaitForElement("[data-testid=buffer-file]", Wait);
        Assert.DoesNotContain("offset", panel.Find("[data-testid=buffer-plain]").TextContent);
        Assert.Contains("offset 30", panel.Find("[data-testid=buffer-shifted]").TextContent);
        Assert.Contains("shm cam0", panel.Find("[data-testid=buffer-seg]").TextContent);
        Assert.Contains("mmap /tmp/frame.bin", panel.Find("[data-testid=buffer-file]").TextContent);
    }

    /// <summary>
    /// Issue 12, defect 5: the page selects the buffer Create made as soon as the API answers,
    /// which can be before the feed lists it; the panel must wait for it, not fall back to the
    /// first buffer as if the new one had been freed.
    /// </summary>
    [Fact]
    public void SelectedId_OfABufferNotListedYet_IsKeptAndSelectedWhenItArrives()
    {
        Client.Buffers[1] = FakeBufferscopeClient.Buffer(1, "old");
        var announced = new List<long?>();
        var panel = Render<BuffersPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.SelectedId, 1L)
            .Add(x => x.SelectedIdChanged, id => announced.Add(id)));
        panel.WaitForAssertion(() => Assert.Contains("selected", panel.Find("[data-testid=buffer-old]").ClassList), Wait);
        announced.Clear(); // what it said before the snapshot was in

        // Create answered: the page selects the new id before its bufferCreated has come.
        panel.Render(p => p.Add(x => x.SelectedId, 7L));
        Assert.Empty(announced); // nothing chose another buffer instead
        Client.Publish(FakeBufferscopeClient.Event("bufferCreated", 7, "made", 0, buffer: FakeBufferscopeClient.Buffer(7, "made")));
        panel.WaitForAssertion(() => Assert.Contains("selected", panel.Find("[data-testid=buffer-made]").ClassList), Wait);
        Assert.DoesNotContain("selected", panel.Find("[data-testid=buffer-old]").ClassList);
        Assert.Empty(announced);

        // Freed, the selection gives way to the first buffer.
        Client.Publish(FakeBufferscopeClient.Event("bufferFreed", 7, "made", 0));
        panel.WaitForAssertion(() => Assert.Equal([1L], announced), Wait);
    }
}
