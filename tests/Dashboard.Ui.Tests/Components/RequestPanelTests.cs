using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Components.Panels;
using Bunit;
using static Bufferscope.Dashboard.Ui.Tests.Components.FakeBufferscopeClient;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

/// <summary>
/// The request workbench panel with the fake client: what it sends for the boxes ticked and the
/// target chosen, and how it shows what comes back (fields side by side, NULL, differences, a
/// refusal, the server's 400).
/// </summary>
[Collection(nameof(ComponentsCollection))]
public sealed class RequestPanelTests : ComponentTest
{
    private static readonly BufferDto Frame = Buffer(3, "frame", "d", [2, 3]);
    private const string Made = "_testbuffer.ndarray(list(range(6)), shape=[2, 3], strides=[8, 16], format='d', flags=_testbuffer.ND_WRITABLE)";

    private static RequestAnswer Answer(int flags, RequestView? view, RequestView? reference, RequestError? error = null, RequestError? referenceError = null,
        string? unavailable = null, bool? agrees = null) =>
        new(flags, Bufferscope.Core.Buffers.RequestFlagNames.Describe(flags), Bufferscope.Core.Buffers.RequestFlagNames.Decompose(flags), "bufferscope.MemBuf",
            view is not null, view, error,
            new RequestReference(unavailable is null ? Made : null, reference is not null, reference, referenceError, unavailable),
            agrees ?? (unavailable is null ? (view is null) == (reference is null) && (view is null || view.SameAs(reference!)) : null));

    private IRenderedComponent<RequestPanel> Panel(BufferDto? buffer = null) =>
        Render<RequestPanel>(p => p.Add(x => x.Feed, Feed()).Add(x => x.Buffer, buffer));

    private static void Ask(IRenderedComponent<RequestPanel> panel) => panel.Find("form.request-form").Submit();

    private static string Text(IRenderedComponent<RequestPanel> panel, string testId) => panel.Find($"[data-testid={testId}]").TextContent.Trim();

    /// <summary>(exporter, reference) cells of a field's row, and whether it is marked as differing.</summary>
    private static (string Exporter, string Reference, bool Differs) Row(IRenderedComponent<RequestPanel> panel, string field)
    {
        var row = panel.Find($"[data-testid=request-fields] tr[data-field={field}]");
        var cells = row.QuerySelectorAll("td");
        return (cells[1].TextContent.Trim(), cells[2].TextContent.Trim(), row.ClassList.Contains("differs"));
    }

    private static AngleSharp.Dom.IElement Box(IRenderedComponent<RequestPanel> panel, string flag) =>
        panel.Find($"[data-testid=request-flags] input[type=checkbox][data-testid=request-flag-{flag}]");

    private static bool Ticked(IRenderedComponent<RequestPanel> panel, string flag) => Box(panel, flag).HasAttribute("checked");

    [Fact]
    public void An_answer_shows_each_field_beside_the_references_NULL_as_NULL_and_the_differences_marked()
    {
        // Strides that differ, as an exporter that fills Fortran strides for C memory would.
        var answer = Answer(0x11c, new RequestView(48, 8, false, 2, "d", [2, 3], [8, 16], null), new RequestView(48, 8, false, 2, "d", [2, 3], [24, 8], null));
        Client.OnAsk = _ => Task.FromResult(answer);
        var panel = Panel(Frame);
        Assert.Equal("0x11c PyBUF_FULL_RO", Text(panel, "request-value"));
        Ask(panel);

        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("[data-testid=request-fields]")), Wait);
        Assert.Equal([new WorkbenchRequestDto(3, null, 0x11c)], Client.Asked);
        Assert.Equal("bufferscope.MemBuf", Text(panel, "request-exporter"));
        Assert.Equal("answered", Text(panel, "request-outcome"));
        Assert.Contains("frame (#3)", panel.Find(".request-asked").TextContent);
        Assert.Equal(("48", "48", false), Row(panel, "len"));
        Assert.Equal(("0", "0", false), Row(panel, "readonly"));
        Assert.Equal(("\"d\"", "\"d\"", false), Row(panel, "format"));
        Assert.Equal(("(2, 3)", "(2, 3)", false), Row(panel, "shape"));
        Assert.Equal(("(8, 16)", "(24, 8)", true), Row(panel, "strides"));
        Assert.Equal(("NULL", "NULL", false), Row(panel, "suboffsets"));
        Assert.Equal(["strides"], panel.FindAll("[data-testid=request-fields] tr.differs").Select(r => r.GetAttribute("data-field")));
        Assert.Equal(2, panel.FindAll("[data-testid=request-fields] tr[data-field=suboffsets] td.null").Count);
        Assert.Equal(Made, Text(panel, "request-made"));
        Assert.Equal("differs from the reference in the fields marked", Text(panel, "request-agreement"));
        Assert.Empty(panel.FindAll("[data-testid=request-refusal]"));
    }

    [Fact]
    public void While_waiting_a_progress_shows_and_Request_is_disabled()
    {
        var answer = new TaskCompletionSource<RequestAnswer>();
        Client.OnAsk = _ => answer.Task;
        var panel = Panel(Frame);
        Ask(panel);
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("[data-testid=request-busy]")), Wait);
        Assert.True(panel.Find("button[data-testid=request-run]").HasAttribute("disabled"));
        Ask(panel); // a second submit while one is out sends nothing
        Assert.Single(Client.Asked);

        var view = new RequestView(48, 8, false, 2, "d", [2, 3], [24, 8], null);
        answer.SetResult(Answer(0x11c, view, view));
        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("[data-testid=request-busy]")), Wait);
        Assert.False(panel.Find("button[data-testid=request-run]").HasAttribute("disabled"));
        Assert.Equal("agrees with the reference: the same fields", Text(panel, "request-agreement"));
        Assert.Empty(panel.FindAll("[data-testid=request-fields] tr.differs"));
    }

    [Fact]
    public void Ticking_WRITABLE_sends_its_bit_and_a_refusal_shows_the_error_with_no_fields()
    {
        var refusal = new RequestError("BufferError", "memoryview: underlying buffer is not writable");
        Client.OnAsk = r => Task.FromResult(Answer(r.Flags, null, null, refusal, refusal));
        var panel = Panel(Frame);
        Box(panel, "PyBUF_WRITABLE").Change(true);
        panel.WaitForAssertion(() => Assert.Equal("0x11d PyBUF_FULL", Text(panel, "request-value")), Wait); // MudCheckBox changes its value asynchronously
        Assert.True(Ticked(panel, "PyBUF_WRITABLE"));
        Ask(panel);

        panel.WaitForAssertion(() => Assert.Equal("refused", Text(panel, "request-outcome")), Wait);
        Assert.Equal(0x11d, Client.Asked.Single().Flags);
        Assert.Equal("BufferError: memoryview: underlying buffer is not writable", Text(panel, "request-refusal"));
        Assert.Empty(panel.FindAll("[data-testid=request-fields]")); // neither filled a field: no table of dashes
        Assert.Contains("memoryview: underlying buffer is not writable", Text(panel, "request-reference-refusal"));
        Assert.Equal("agrees with the reference: it refuses too", Text(panel, "request-agreement"));
    }

    [Fact]
    public void Unticking_STRIDES_unticks_INDIRECT_which_implies_it_and_keeps_ND()
    {
        Client.OnAsk = r => Task.FromResult(Answer(r.Flags, new RequestView(48, 8, false, 2, "d", [2, 3], null, null), new RequestView(48, 8, false, 2, "d", [2, 3], null, null)));
        var panel = Panel(Frame);
        Assert.True(Ticked(panel, "PyBUF_ND"));
        Assert.Equal("true", panel.Find("input[data-testid=request-flag-PyBUF_ND]").GetAttribute("data-implied"));
        Box(panel, "PyBUF_STRIDES").Change(false);
        panel.WaitForAssertion(() => Assert.Equal("0xc PyBUF_ND | PyBUF_FORMAT", Text(panel, "request-value")), Wait); // MudCheckBox changes its value asynchronously
        Assert.False(Ticked(panel, "PyBUF_INDIRECT"));
        Assert.False(Ticked(panel, "PyBUF_STRIDES"));
        Assert.True(Ticked(panel, "PyBUF_ND"));
        Assert.Equal("false", panel.Find("input[data-testid=request-flag-PyBUF_ND]").GetAttribute("data-implied"));

        Box(panel, "PyBUF_F_CONTIGUOUS").Change(true);
        panel.WaitForAssertion(() => Assert.Equal("0x5c PyBUF_F_CONTIGUOUS | PyBUF_FORMAT", Text(panel, "request-value")), Wait); // MudCheckBox changes its value asynchronously
        Assert.True(Ticked(panel, "PyBUF_STRIDES"));
        Ask(panel);
        panel.WaitForAssertion(() => Assert.Single(Client.Asked), Wait);
        Assert.Equal(0x5c, Client.Asked[0].Flags);
    }

    [Fact]
    public void The_servers_400_detail_is_shown_for_an_expression_that_raises()
    {
        Client.OnAsk = _ => Task.FromException<RequestAnswer>(new BufferscopeApiException(400, "Invalid buffer", "NameError: name 'no_such_name' is not defined"));
        var panel = Panel(); // no buffer selected
        Assert.True(panel.Find("input[data-testid=request-target-buffer]").HasAttribute("disabled"));
        Assert.Contains("No buffer is selected", Text(panel, "request-no-buffer"));
        Assert.True(panel.Find("button[data-testid=request-run]").HasAttribute("disabled"));
        Ask(panel);
        Assert.Empty(Client.Asked); // nothing to ask

        panel.Find("input[data-testid=request-target-expression]").Click();
        // MudRadio changes its group's value asynchronously: the expression field comes after a render.
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("input[data-testid=request-expression]")), Wait);
        panel.Find("input[data-testid=request-expression]").Input(" no_such_name ");
        panel.WaitForAssertion(() => Assert.False(panel.Find("button[data-testid=request-run]").HasAttribute("disabled")), Wait);
        Ask(panel);

        panel.WaitForAssertion(() => Assert.Contains("NameError: name 'no_such_name' is not defined", Text(panel, "request-error")), Wait);
        Assert.Equal([new WorkbenchRequestDto(null, "no_such_name", 0x11c)], Client.Asked);
        Assert.Empty(panel.FindAll("[data-testid=request-fields]"));
    }

    [Fact]
    public void FORMAT_without_ND_answered_by_the_exporter_alone_marks_the_outcome_as_differing()
    {
        // PEP 3118 lets an exporter answer it; _testbuffer refuses (a format with no shape cannot be checked against len).
        var view = new RequestView(48, 8, false, 1, "d", null, null, null);
        Client.OnAsk = r => Task.FromResult(Answer(r.Flags, view, null, referenceError: new RequestError("BufferError", "ndarray: cannot cast to unsigned bytes if the format flag is present")));
        var panel = Panel(Frame);
        Box(panel, "PyBUF_ND").Change(false);
        panel.WaitForAssertion(() => Assert.Equal("0x4 PyBUF_FORMAT", Text(panel, "request-value")), Wait); // MudCheckBox changes its value asynchronously
        Ask(panel);
        panel.WaitForAssertion(() => Assert.Equal("answered", Text(panel, "request-outcome")), Wait);
        Assert.Equal(0x4, Client.Asked.Single().Flags);
        Assert.Equal(("answered", "refused", true), Row(panel, "outcome"));
        Assert.Equal(("\"d\"", "—", false), Row(panel, "format"));
        Assert.Equal(("NULL", "—", false), Row(panel, "shape"));
        Assert.Equal(["outcome"], panel.FindAll("[data-testid=request-fields] tr.differs").Select(r => r.GetAttribute("data-field")));
        Assert.Equal("differs from the reference, which refuses this request", Text(panel, "request-agreement"));
    }

    [Fact]
    public void A_reference_that_cannot_be_made_says_why_and_nothing_is_compared()
    {
        var view = new RequestView(12, 1, false, 1, "B", [12], [1], [0]);
        Client.OnAsk = _ => Task.FromResult(Answer(0x11c, view, null, unavailable: "the exporter's layout has suboffsets (PIL-style): _testbuffer.ndarray is made here without them"));
        var panel = Panel(Frame);
        Ask(panel);
        panel.WaitForAssertion(() => Assert.Contains("has suboffsets", Text(panel, "request-unavailable")), Wait);
        Assert.Equal(("(0,)", "—", false), Row(panel, "suboffsets"));
        Assert.Equal(("answered", "—", false), Row(panel, "outcome"));
        Assert.Empty(panel.FindAll("[data-testid=request-made]"));
        Assert.Equal("no reference to compare with", Text(panel, "request-agreement"));
    }
}
