using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

public sealed class HexSelectionTests
{
    [Fact]
    public void Key_ShiftArrowsFromAnAnchor_GrowAndShrinkTheRangeFromIt()
    {
        var s = new HexSelection();
        s.Reset(100, 20);
        Assert.True(s.Key("ArrowRight", shift: true, ctrl: false, 16, 18));
        Assert.True(s.Key("ArrowRight", shift: true, ctrl: false, 16, 18));
        Assert.Equal((20L, 23L), (s.Start, s.End));
        s.Key("ArrowLeft", shift: true, ctrl: false, 16, 18);
        s.Key("ArrowLeft", shift: true, ctrl: false, 16, 18);
        s.Key("ArrowLeft", shift: true, ctrl: false, 16, 18);
        Assert.Equal((19L, 21L), (s.Start, s.End)); // past the anchor: the range now runs backwards
        s.Key("ArrowDown", shift: false, ctrl: false, 16, 18);
        Assert.Equal((35L, 1L), (s.Start, s.Count));
    }

    [Fact]
    public void Key_PagesAndEnds_StayInTheBuffer()
    {
        var s = new HexSelection();
        s.Reset(1000, 5);
        s.Key("PageDown", false, false, 16, 18);
        Assert.Equal(5 + 16 * 18, s.Caret);
        s.Key("PageDown", false, false, 16, 18);
        s.Key("PageDown", false, false, 16, 18);
        s.Key("PageDown", false, false, 16, 18);
        Assert.Equal(999, s.Caret);
        s.Key("ArrowDown", false, false, 16, 18); // no row below: no move
        Assert.Equal(999, s.Caret);
        s.Key("Home", false, false, 16, 18);
        Assert.Equal(992, s.Caret);
        s.Key("Home", true, true, 16, 18);
        Assert.Equal((0L, 993L), (s.Start, s.End));
        Assert.False(s.Key("a", false, false, 16, 18));
    }

    [Fact]
    public void Click_WithShift_SelectsFromTheAnchor()
    {
        var s = new HexSelection();
        s.Reset(64, 10);
        s.Click(4, extend: true);
        Assert.Equal((4L, 11L), (s.Start, s.End));
        s.Click(30, extend: false);
        Assert.Equal((30L, 1L), (s.Start, s.Count));
    }
}
