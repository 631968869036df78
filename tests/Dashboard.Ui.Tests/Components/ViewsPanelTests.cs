using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Components.Panels;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

[Collection(nameof(ComponentsCollection))]
public sealed class ViewsPanelTests : ComponentTest
{
    private static ViewDto View(long id) => new(id, 0x11c, ["PyBUF_WRITABLE", "PyBUF_FORMAT", "PyBUF_ND", "PyBUF_STRIDES"], false, "B", 2, [4, 4], [4, 1], DateTimeOffset.Now, "In [3], line 1");

    [Fact]
    public async Task Views_AcquireAndRelease_RowsAppearAndDisappear()
    {
        var buffer = FakeBufferscopeClient.Buffer(1, "frame");
        Client.Buffers[1] = buffer;
        var panel = Render<ViewsPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.Buffer, buffer));
        await Until(() => Client.EventSubscribers == 1, "the feed subscribed");
        Assert.Empty(panel.FindAll("[data-testid=view-row]"));

        // The views come from the events alone: the fake's list is never changed again.
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 1, View(5)));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=view-row]")), Wait);
        var row = panel.Find("[data-testid=view-row]").TextContent;
        Assert.Contains("PyBUF_WRITABLE | PyBUF_FORMAT", row);
        Assert.Equal("PyBUF_FULL_RO", panel.Find("[data-testid=view-request]").TextContent); // 0x11c by its usual name
        Assert.Equal(["PyBUF_WRITABLE", "PyBUF_FORMAT", "PyBUF_ND", "PyBUF_STRIDES"], panel.FindAll("[data-testid=view-flag]").Select(f => f.TextContent));
        Assert.Contains("In [3], line 1", row);

        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 2, View(6)));
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=view-row]").Count), Wait);

        Client.Publish(FakeBufferscopeClient.Event("exportReleased", 1, "frame", 1, viewId: 5));
        panel.WaitForAssertion(() => Assert.Equal([6L], panel.FindAll("[data-testid=view-row]").Select(r => long.Parse(r.GetAttribute("data-view-id")!))), Wait);
        // Told twice (a change just before a snapshot can come again after it): nothing changes.
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 1, View(6)));
        Client.Publish(FakeBufferscopeClient.Event("exportReleased", 1, "frame", 0, viewId: 6));
        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("[data-testid=view-row]")), Wait);
    }

    [Fact]
    public async Task EachView_NamesItsHolder_ShowsTheCodeThatMadeIt_AndItsPyBuffer_LinkedToLessons()
    {
        var buffer = FakeBufferscopeClient.Buffer(1, "frame");
        Client.Buffers[1] = buffer;
        Client.History.Add(new HistoryDto(3, "import numpy as np\na = np.frombuffer(frame, dtype=np.uint8)", true, null, DateTimeOffset.Now));
        Client.OnHolders = _ => [new(5, [new("numpy.ndarray", "a", "memoryview")])];
        var panel = Render<ViewsPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.Buffer, buffer));
        await Until(() => Client.EventSubscribers == 1, "the feed subscribed");
        Client.Publish(FakeBufferscopeClient.Event("exportAcquired", 1, "frame", 1, View(5) with { Origin = "In [3], line 2" }));
        panel.WaitForAssertion(() => Assert.Equal("numpy.ndarray a (through a memoryview)", panel.Find("[data-testid=view-holder]").TextContent), Wait);

        // The origin opens the run's code, its line marked.
        Assert.Empty(panel.FindAll("[data-testid=view-origin-code]"));
        panel.Find("[data-testid=view-origin]").Click();
        panel.WaitForAssertion(() => Assert.Equal("a = np.frombuffer(frame, dtype=np.uint8)", panel.Find("[data-testid=view-origin-code] .origin-line").TextContent.Trim()), Wait);

        // The Py_buffer card: the struct's fields with this view's values, each linked to a lesson that exists.
        panel.Find("[data-testid=view-pybuffer-toggle]").Click();
        var card = panel.Find("[data-testid=pybuffer-card]");
        string Value(string field) => card.QuerySelector($"tr[data-field={field}] td:last-child")!.TextContent;
        Assert.Equal("2", Value("ndim"));
        Assert.Equal("{4, 4}", Value("shape"));
        Assert.Equal("{4, 1}", Value("strides"));
        Assert.Equal("\"B\"", Value("format"));
        Assert.Equal("NULL", Value("suboffsets"));
        var lessons = new Bufferscope.Dashboard.Learn.LessonLibrary(AppContext.BaseDirectory);
        var links = panel.FindAll("[data-testid=pybuffer-field-link]").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(11, links.Count);
        Assert.All(links, href => Assert.NotNull(lessons.Find(href["/learn/".Length..])));
    }

    [Fact]
    public async Task Refusals_AreListed_NewestFirst_WithTheirRequestReasonAndLine()
    {
        var buffer = FakeBufferscopeClient.Buffer(1, "frame");
        Client.Buffers[1] = buffer;
        var panel = Render<ViewsPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.Buffer, buffer));
        await Until(() => Client.EventSubscribers == 1, "the feed subscribed");
        Assert.Empty(panel.FindAll("[data-testid=refused-row]"));

        static Hubs.HubEvent Refused(int flags, string names, string reason, string origin) =>
            FakeBufferscopeClient.Event("exportRefused", 1, "frame", 0) with { Refusal = new RefusalDto(flags, names, reason, origin, DateTimeOffset.Now) };
        Client.Publish(Refused(0x1, "PyBUF_WRITABLE", "buffer is read-only: PyBUF_WRITABLE cannot be granted", "In [4], line 2"));
        Client.Publish(Refused(0x0, "PyBUF_SIMPLE", "buffer is not C-contiguous", ""));
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=refused-row]").Count), Wait);
        var rows = panel.FindAll("[data-testid=refused-row]").Select(r => r.TextContent).ToList();
        Assert.Contains("PyBUF_SIMPLE", rows[0]);
        Assert.Contains("asked from .NET", rows[0]);
        Assert.Contains("PyBUF_WRITABLE", rows[1]);
        Assert.Contains("0x1", rows[1]);
        Assert.Contains("buffer is read-only", rows[1]);
        Assert.Contains("In [4], line 2", rows[1]);
        Assert.Empty(panel.FindAll("[data-testid=view-row]")); // a refusal is no view
    }

    [Fact]
    public async Task ConsumerButton_RunsTheSnippetInTheSession()
    {
        var buffer = FakeBufferscopeClient.Buffer(1, "frame");
        Client.Buffers[1] = buffer;
        var feed = Feed();
        var panel = Render<ViewsPanel>(p => p.Add(x => x.Feed, feed).Add(x => x.Buffer, buffer));
        await feed.Loaded.WaitAsync(Wait, Xunit.TestContext.Current.CancellationToken);
        // Found and clicked in one renderer step: the feed's snapshot re-renders the panel, and a
        // button found before that has a stale handler.
        await panel.InvokeAsync(() => panel.Find("button[data-testid=make-memoryview]").Click());
        await Until(() => Client.Runs.Any(code => code.Contains("memoryview(frame)")), "the memoryview snippet sent");
    }

    [Fact]
    public async Task ConsumerButton_Made_SaysWhatItMadeInWords()
    {
        var buffer = FakeBufferscopeClient.Buffer(1, "frame");
        Client.Buffers[1] = buffer;
        Client.OnRun = code => new RunResponse(true, "", "", "1", null, 1, false); // the snippet's last line: how many the buttons hold
        var feed = Feed();
        var panel = Render<ViewsPanel>(p => p.Add(x => x.Feed, feed).Add(x => x.Buffer, buffer));
        await feed.Loaded.WaitAsync(Wait, Xunit.TestContext.Current.CancellationToken);

        await panel.InvokeAsync(() => panel.Find("button[data-testid=make-ctypes]").Click());

        panel.WaitForAssertion(() => Assert.Contains("Made a ctypes array of frame; these buttons hold 1 consumer of it.", panel.Find(".mud-alert").TextContent), Wait);
    }
}
