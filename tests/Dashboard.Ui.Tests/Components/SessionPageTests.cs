using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Components.Pages;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

[Collection(nameof(ComponentsCollection))]
public sealed class SessionPageComponentTests : ComponentTest
{
    [Fact]
    public void SessionPage_WithOneBuffer_RendersEveryPanelAndSelectsIt()
    {
        Client.Sessions.Add(new SessionDto("s1", "demo", DateTimeOffset.Now));
        Client.Buffers[1] = FakeBufferscopeClient.Buffer(1, "frame");
        var page = Render<SessionPage>(p => p.Add(x => x.SessionId, "s1"));
        page.WaitForAssertion(() => Assert.Contains("selected", page.Find("[data-testid=buffer-frame]").ClassList), Wait);
        Assert.NotNull(page.Find("[data-testid=hex-view]"));
        Assert.NotNull(page.Find("[data-testid=console-input]"));
        Assert.NotNull(page.Find("[data-testid=create-buffer]"));
    }
}
