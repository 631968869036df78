using Bufferscope.Dashboard.Components.Panels;
using Bufferscope.Dashboard.Hubs;
using Bunit;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

/// <summary>The picture tab draws the newest picture, never a queue of old ones.</summary>
[Collection(nameof(ComponentsCollection))]
public sealed class HeatMapTests : ComponentTest
{
    /// <summary>Picture <paramref name="k"/> is k cells wide, so a draw call says which picture it drew.</summary>
    private static PictureDto Picture(int k) =>
        new(1, k, 1, 1, k, [.. Enumerable.Range(0, k).Select(i => (float)i)], 0, k - 1, 1, 1, k, DateTimeOffset.Now);

    [Fact]
    public async Task PicturesComingFasterThanItDraws_OnlyTheNewestIsDrawnNext()
    {
        var module = JSInterop.SetupModule("./js/heatmap.js");
        var draw = module.SetupVoid("draw", _ => true); // left pending: the browser is still drawing picture 1
        var buffer = FakeBufferscopeClient.Buffer(1, "frame", "<d", [4, 8]);
        var cut = Render<HeatMap>(p => p.Add(c => c.Buffer, buffer));

        await Client.Pictures.Writer.WriteAsync(Picture(1), Xunit.TestContext.Current.CancellationToken);
        await Until(() => draw.Invocations.Count == 1, "picture 1 drawn");
        for (var k = 2; k <= 10; k++)
            await Client.Pictures.Writer.WriteAsync(Picture(k), Xunit.TestContext.Current.CancellationToken);
        await Until(() => Client.Pictures.Reader.Count == 0, "pictures 2-10 received");

        draw.SetVoidResult(); // picture 1 is on the screen; every later draw completes at once
        // Read on the renderer, which records the calls: a list read while it adds one throws.
        async Task<List<int>> Drawn()
        {
            List<int> drawn = [];
            await cut.InvokeAsync(() => drawn = [.. draw.Invocations.Select(i => (int)i.Arguments[1]!)]);
            return drawn;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await Drawn() is not [_, .., 10])
        {
            Assert.True(clock.Elapsed < Wait, $"picture 10 not drawn within {Wait.TotalSeconds} s: drawn {string.Join(", ", await Drawn())}");
            await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        }
        var drawn = await Drawn();
        // 1, then 10; at most one picture in between (one received while 10 was on its way in).
        Assert.InRange(drawn.Count, 2, 3);
        Assert.Equal(1, drawn[0]);
        cut.WaitForAssertion(() => Assert.Equal("9.0", cut.Find("[data-testid=heatmap-max]").TextContent), Wait);
    }
}
