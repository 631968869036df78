using Bufferscope.Core.Checks;

namespace Bufferscope.Core.Tests.Checks;

public sealed class LayoutDrawingTests
{
    [Fact]
    public void A_negative_stride_is_drawn_as_its_elements_over_its_bytes() =>
        Assert.Equal("""
            byte     0         1
                     0123456789012345
            element  bbbbbbbbaaaaaaaa
            a = [0] at byte 8, b = [1] at byte 0
            """.Replace("\r", ""), LayoutDrawing.Text(new CaseLayout("d", [2], [-8], 8, false)));

    [Fact]
    public void Gaps_are_dots_and_indices_are_in_C_order() =>
        Assert.Equal("""
            byte     0
                     0123456
            element  a.c.b.d
            a = [0, 0] at byte 0, b = [0, 1] at byte 4, c = [1, 0] at byte 2, d = [1, 1] at byte 6
            """.Replace("\r", ""), LayoutDrawing.Text(new CaseLayout("B", [2, 2], [2, 4], 0, false)));

    [Fact]
    public void Empty_and_large_layouts_say_so() => Assert.Multiple(
        () => Assert.Equal("no elements (shape (0, 3)): nothing is read", LayoutDrawing.Text(CaseLayout.Contiguous("i", [0, 3]))),
        () => Assert.Equal("60 elements over 480 bytes: too many to draw", LayoutDrawing.Text(CaseLayout.Contiguous("d", [3, 4, 5]))));
}
