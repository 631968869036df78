using Bufferscope.Core.Buffers;
using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Model;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

/// <summary>The workbench's request as bits: what ticking and unticking each flag sends, and what the named requests are.</summary>
public sealed class RequestFormTests
{
    private static RequestFlagChoice Flag(string name) => RequestFlagChoice.All.Single(c => c.Name == name);

    private static string[] Ticked(RequestForm form) => [.. RequestFlagChoice.All.Where(form.Has).Select(c => c.Name)];

    [Fact]
    public void Starts_as_PyBUF_FULL_RO_with_its_boxes_ticked()
    {
        var form = new RequestForm();
        Assert.Equal(0x11c, form.Flags);
        Assert.Equal("0x11c", form.Hex);
        Assert.Equal("PyBUF_FULL_RO", form.Name);
        Assert.Equal("PyBUF_FULL_RO", form.Named?.Name);
        Assert.Equal(["PyBUF_FORMAT", "PyBUF_ND", "PyBUF_STRIDES", "PyBUF_INDIRECT"], Ticked(form));
    }

    [Fact]
    public void Ticking_a_contiguity_sets_ND_and_STRIDES_too_and_nothing_else()
    {
        var form = new RequestForm();
        form.Choose(NamedRequest.All.Single(n => n.Name == "PyBUF_SIMPLE"));
        Assert.Equal(0, form.Flags);
        Assert.Empty(Ticked(form));

        form.Set(Flag("PyBUF_C_CONTIGUOUS"), true);
        Assert.Equal(0x38, form.Flags);
        Assert.Equal(["PyBUF_ND", "PyBUF_STRIDES", "PyBUF_C_CONTIGUOUS"], Ticked(form));
        Assert.Equal("0x38 PyBUF_C_CONTIGUOUS", $"{form.Hex} {form.Name}");
        // ND and STRIDES are ticked because C_CONTIGUOUS includes them: the panel says so.
        Assert.Equal(["PyBUF_STRIDES", "PyBUF_C_CONTIGUOUS"], form.ImpliedBy(Flag("PyBUF_ND")).Select(c => c.Name));
        Assert.Empty(form.ImpliedBy(Flag("PyBUF_C_CONTIGUOUS")));

        form.Set(Flag("PyBUF_FORMAT"), true);
        Assert.Equal(0x3c, form.Flags);
        Assert.Equal("PyBUF_C_CONTIGUOUS | PyBUF_FORMAT", form.Name);
        Assert.Null(form.Named); // no name covers it
    }

    [Fact]
    public void Unticking_clears_the_flags_own_bit_and_every_flag_that_implies_it()
    {
        var form = new RequestForm(); // FULL_RO: INDIRECT | FORMAT
        form.Set(Flag("PyBUF_C_CONTIGUOUS"), true);
        Assert.Equal(0x13c, form.Flags);

        // A contiguity unticked leaves the STRIDES it implied.
        form.Set(Flag("PyBUF_C_CONTIGUOUS"), false);
        Assert.Equal(0x11c, form.Flags);

        // STRIDES unticked: INDIRECT, which is 0x100 | STRIDES, cannot stay; ND and FORMAT do.
        form.Set(Flag("PyBUF_STRIDES"), false);
        Assert.Equal(0x0c, form.Flags);
        Assert.Equal(["PyBUF_FORMAT", "PyBUF_ND"], Ticked(form));

        form.Set(Flag("PyBUF_STRIDES"), true);
        form.Set(Flag("PyBUF_ANY_CONTIGUOUS"), true);
        Assert.Equal(0x9c, form.Flags);
        // ND unticked: everything that needs a shape goes, FORMAT stays.
        form.Set(Flag("PyBUF_ND"), false);
        Assert.Equal(0x04, form.Flags);
        Assert.Equal("PyBUF_FORMAT", form.Name);
    }

    [Fact]
    public void Writable_and_format_are_one_bit_each()
    {
        var form = new RequestForm();
        form.Set(Flag("PyBUF_WRITABLE"), true);
        Assert.Equal(0x11d, form.Flags);
        Assert.Equal("PyBUF_FULL", form.Name);
        form.Set(Flag("PyBUF_FORMAT"), false);
        Assert.Equal(0x119, form.Flags);
        Assert.Equal("PyBUF_INDIRECT | PyBUF_WRITABLE", form.Name);
        form.Set(Flag("PyBUF_WRITABLE"), false);
        Assert.Equal(0x118, form.Flags);
    }

    [Fact]
    public void Whatever_is_ticked_or_unticked_the_bits_are_what_the_boxes_show()
    {
        // Every sequence of up to three clicks from every named request: the value sent is the
        // union of the ticked flags, so no bit is sent that no box shows.
        foreach (var start in NamedRequest.All)
            foreach (var a in RequestFlagChoice.All)
                foreach (var b in RequestFlagChoice.All)
                    foreach (var c in RequestFlagChoice.All)
                    {
                        var form = new RequestForm();
                        form.Choose(start);
                        foreach (var click in new[] { a, b, c })
                            form.Set(click, !form.Has(click));
                        var shown = RequestFlagChoice.All.Where(form.Has).Aggregate(0, (bits, f) => bits | (int)f.Flag);
                        Assert.True(shown == form.Flags, $"{start.Name}, {a.Name}, {b.Name}, {c.Name}: 0x{form.Flags:x}, boxes 0x{shown:x}");
                    }
    }

    [Fact]
    public void The_named_requests_are_pybuffer_hs_values_each_named_as_the_server_names_it()
    {
        Assert.Equal(
            [("PyBUF_SIMPLE", 0x0), ("PyBUF_CONTIG_RO", 0x8), ("PyBUF_CONTIG", 0x9), ("PyBUF_STRIDED_RO", 0x18), ("PyBUF_STRIDED", 0x19),
             ("PyBUF_RECORDS_RO", 0x1c), ("PyBUF_RECORDS", 0x1d), ("PyBUF_FULL_RO", 0x11c), ("PyBUF_FULL", 0x11d),
             ("PyBUF_C_CONTIGUOUS", 0x38), ("PyBUF_F_CONTIGUOUS", 0x58), ("PyBUF_ANY_CONTIGUOUS", 0x98)],
            NamedRequest.All.Select(n => (n.Name, (int)n.Flags)));
        var form = new RequestForm();
        foreach (var named in NamedRequest.All)
        {
            form.Choose(named);
            Assert.Equal((int)named.Flags, form.Flags);
            Assert.Same(named, form.Named);
            Assert.Equal(named.Name, form.Name);
        }
        // The boxes by their PEP 3118 names (ND and CONTIG_RO share a value; the box is ND).
        Assert.Equal(["PyBUF_WRITABLE", "PyBUF_FORMAT", "PyBUF_ND", "PyBUF_STRIDES", "PyBUF_C_CONTIGUOUS", "PyBUF_F_CONTIGUOUS", "PyBUF_ANY_CONTIGUOUS", "PyBUF_INDIRECT"],
            RequestFlagChoice.All.Select(c => c.Name));
        Assert.Equal([0x1, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100], RequestFlagChoice.All.Select(c => c.OwnBit));
    }

    [Fact]
    public void The_target_is_the_selected_buffer_by_id_or_the_expression_trimmed()
    {
        var form = new RequestForm();
        Assert.False(form.CanAsk(null)); // no buffer selected
        Assert.True(form.CanAsk(7));
        Assert.Equal(new(7, null, 0x11c), form.ToRequest(7));

        form.Target = RequestTarget.Expression;
        Assert.False(form.CanAsk(7)); // nothing typed: the selected buffer is not asked instead
        form.Expression = "  np.arange(6.0)\n";
        Assert.True(form.CanAsk(null));
        Assert.Equal(new(null, "np.arange(6.0)", 0x11c), form.ToRequest(7));
    }

    [Fact]
    public void Fields_compare_side_by_side_NULL_as_NULL_and_a_refusal_as_no_fields()
    {
        var exporter = new RequestView(48, 8, true, 2, null, [2, 3], [8, 16], null);
        var reference = new RequestView(48, 8, true, 2, null, [2, 3], [24, 8], null);
        var fields = PyBufferField.Compare(exporter, reference);
        Assert.Equal(["len", "itemsize", "readonly", "ndim", "format", "shape", "strides", "suboffsets"], fields.Select(f => f.Name));
        Assert.Equal(["48", "8", "1", "2", "NULL", "(2, 3)", "(8, 16)", "NULL"], fields.Select(f => f.Exporter));
        Assert.Equal(["strides"], fields.Where(f => f.Differs).Select(f => f.Name));

        // A 0-d view: its shape is an empty tuple, not NULL; a 1-d tuple has its comma.
        var scalar = PyBufferField.Compare(new RequestView(8, 8, false, 0, "d", [], [], null), new RequestView(8, 8, false, 1, "d", [1], [8], null));
        Assert.Equal(["8", "8", "0", "0", "\"d\"", "()", "()", "NULL"], scalar.Select(f => f.Exporter));
        Assert.Equal(["8", "8", "0", "1", "\"d\"", "(1,)", "(8,)", "NULL"], scalar.Select(f => f.Reference));
        Assert.Equal(["ndim", "shape", "strides"], scalar.Where(f => f.Differs).Select(f => f.Name));

        // The exporter refused: no fields of its own, nothing marked as differing.
        var refused = PyBufferField.Compare(null, reference);
        Assert.All(refused, f => Assert.Null(f.Exporter));
        Assert.DoesNotContain(refused, f => f.Differs);
    }
}
