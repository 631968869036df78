using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

/// <summary>The create-buffer form's view model: what it sends is what it shows, and attached memory is never filled by accident.</summary>
public sealed class BufferFormTests
{
    [Theory]
    [InlineData("shm")]
    [InlineData("mmap")]
    public void Validate_FillChosenBeforeSwitchingToAttachedMemory_SendsKeep(string source)
    {
        var form = new BufferForm { Shape = "16", FillKind = "ramp" };
        form.SourceKind = source;
        form.SegmentName = "cam0";
        form.Path = "/tmp/cam0.bin";
        Assert.Null(form.FillWarning);
        var spec = form.Validate();
        Assert.NotNull(spec);
        Assert.Equal("keep", spec.Fill!.Kind);
        Assert.False(spec.Source!.Create);
    }

    [Fact]
    public void FillWarning_FillChosenForAnAttachedSegment_NamesWhatItOverwrites()
    {
        var form = new BufferForm { Shape = "16", SourceKind = "shm", SegmentName = "cam0" };
        form.FillKind = "ramp";
        Assert.Contains("overwrites segment 'cam0'", form.FillWarning);
        Assert.Equal("ramp", form.Validate()!.Fill!.Kind); // asked for explicitly: sent as asked
        form.CreateSegment = true; // a new segment holds nobody's data
        Assert.Null(form.FillWarning);
        Assert.True(form.Validate()!.Source!.Create);
    }

    [Fact]
    public void Validate_BackToNativeFromAttached_FillsZeros()
    {
        var form = new BufferForm { Shape = "16", SourceKind = "shm", SegmentName = "cam0" };
        form.SourceKind = "native";
        var spec = form.Validate()!;
        Assert.Equal(("zeros", "native", null, false), (spec.Fill!.Kind, spec.Source!.Kind, spec.Source.Name, spec.Source.Create));
    }

    [Fact]
    public void Validate_OffsetOfHiddenStrides_DoesNotApply()
    {
        var form = new BufferForm { Shape = "4", Order = "strides", Strides = "1", Offset = 30 };
        Assert.Equal(30, form.Validate()!.Offset);
        form.Order = "C";
        var spec = form.Validate()!;
        Assert.Equal((0L, null), (spec.Offset, spec.Strides));
    }

    [Theory]
    [InlineData('n')]
    [InlineData('N')]
    [InlineData('P')]
    public void Allows_NativeOnlyCodes_OnlyWithoutAStandardPrefix(char code)
    {
        Assert.True(FormatCatalog.Allows("", code));
        Assert.True(FormatCatalog.Allows("@", code));
        foreach (var prefix in new[] { "=", "<", ">", "!" })
            Assert.False(FormatCatalog.Allows(prefix, code));
    }
}
