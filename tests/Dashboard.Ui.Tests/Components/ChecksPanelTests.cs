using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Components.Panels;
using Bufferscope.Dashboard.Hubs;
using Bunit;
using static Bufferscope.Dashboard.Ui.Tests.Components.FakeBufferscopeClient;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

/// <summary>
/// The Checks panel driven by fake checkProgressed events on the page's one feed: the bar and the
/// counts follow the events, the report is fetched only when the findings count moves or the
/// check ends, and a finding opens as a buffer made of its own layout and bytes.
/// </summary>
[Collection(nameof(ComponentsCollection))]
public sealed class ChecksPanelTests : ComponentTest
{
    private static readonly Finding Wrong = new("wrong", new CaseLayout("d", [2, 3], [8, 16], 0, false), null,
        "c_order(bufferscope.MemBuf(shape=(2, 3), format=\"d\", order=\"F\", data=bytes.fromhex(\"00\")))",
        "[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]", "[[0.0, 3.0, 1.0], [4.0, 2.0, 5.0]]",
        "the result differs from the one on a C-contiguous copy of the same values")
    {
        Cases = 12,
        Data = "000000000000000000000000000008400000000000000000",
        Drawing = "byte     0         1\n         012345678901234567890123\nelement  aaaaaaaabbbbbbbbcccccccc",
        Original = new CaseLayout("d", [2, 3, 4], [8, 16, 48], 0, false),
    };

    private static readonly Finding Crash = new("crash", new CaseLayout("<i", [1], [-4], 0, true), null,
        "c_order(bufferscope.MemBuf(shape=(1,), format=\"<i\", strides=(-4,), readonly=True))", null, null, "kernel died: SIGSEGV (signal 11)")
    {
        Data = "07000000",
        Traceback = "Fatal Python error: Segmentation fault\n  File \"In [1]\", line 3 in c_order",
    };

    private async Task<IRenderedComponent<ChecksPanel>> PanelAsync(Action<ComponentParameterCollectionBuilder<ChecksPanel>>? more = null)
    {
        var panel = Render<ChecksPanel>(p =>
        {
            p.Add(x => x.Feed, Feed());
            more?.Invoke(p);
        });
        await Until(() => Client.EventSubscribers == 1, "the feed subscribed");
        return panel;
    }

    /// <summary>Types the target and submits the form, as Enter or the Run button does.</summary>
    private static void Run(IRenderedComponent<ChecksPanel> panel, string target)
    {
        panel.Find("input[data-testid=checks-target]").Input(target);
        panel.Find("form.checks-form").Submit();
    }

    /// <summary>Clicks finding <paramref name="index"/>'s Open on the renderer: a feed event can render between a find and a click.</summary>
    private static Task OpenAsync(IRenderedComponent<ChecksPanel> panel, int index) =>
        panel.InvokeAsync(() => panel.FindAll("button[data-testid=checks-open]")[index].Click());

    private static string Text(IRenderedComponent<ChecksPanel> panel, string testId) => panel.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public async Task Progress_FromTheFeed_MovesTheBarAndTheCounts_WithoutFetchingTheReport()
    {
        var panel = await PanelAsync();
        Run(panel, "  c_order ");
        await Until(() => Client.ChecksStarted.Count == 1, "the check started");
        Assert.Equal("c_order", Client.ChecksStarted[0].Target);
        Assert.Equal(CaseSet.Quick, Client.ChecksStarted[0].Cases);

        for (var done = 10; done <= 150; done += 10)
            Client.Publish(Progress("c1", CheckStates.Running, done, 300, 0, $"passed={done - 2},refused=2"));
        panel.WaitForAssertion(() => Assert.Equal("150 / 300", Text(panel, "checks-done")), Wait);
        Assert.Equal("passed 148", Text(panel, "checks-count-passed"));
        Assert.Equal("refused 2", Text(panel, "checks-count-refused"));
        Assert.Equal("wrong 0", Text(panel, "checks-count-wrong"));
        Assert.Equal("running", panel.Find("[data-testid=checks-progress]").GetAttribute("data-state"));
        Assert.Equal(0, Client.CheckFetches);
        // Running: Run waits for it to end; Cancel is offered.
        Assert.True(panel.Find("button[data-testid=checks-run]").HasAttribute("disabled"));
        Assert.False(panel.Find("button[data-testid=checks-cancel]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Findings_FetchedWhenTheirCountMovesAndAtTheEnd_ThenShownByKind()
    {
        var panel = await PanelAsync();
        Run(panel, "c_order");
        await Until(() => Client.ChecksStarted.Count == 1, "the check started");

        Client.Checks["c1"] = Report("c1", CheckStates.Running, 40, 300, "passed=28,wrong=12", [Wrong]);
        Client.Publish(Progress("c1", CheckStates.Running, 40, 300, 1, "passed=28,wrong=12"));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=checks-finding]")), Wait);
        Assert.Equal(1, Client.CheckFetches);

        // More cases, the same findings: the counts move, nothing is fetched.
        for (var done = 50; done <= 120; done += 10)
            Client.Publish(Progress("c1", CheckStates.Running, done, 300, 1, $"passed={done - 12},wrong=12"));
        panel.WaitForAssertion(() => Assert.Equal("120 / 300", Text(panel, "checks-done")), Wait);
        Assert.Equal(1, Client.CheckFetches);

        Client.Checks["c1"] = Report("c1", CheckStates.Done, 300, 300, "passed=287,wrong=12,crash=1", [Wrong, Crash]);
        Client.Publish(Progress("c1", CheckStates.Done, 300, 300, 2, "passed=287,wrong=12,crash=1"));
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=checks-finding]").Count), Wait);
        Assert.Equal(2, Client.CheckFetches);
        Assert.Equal("done", Text(panel, "checks-state"));
        Assert.True(panel.Find("button[data-testid=checks-cancel]").HasAttribute("disabled"));

        // Grouped: kinds in the order counted (wrong before crash), each card its layout, repro and why.
        Assert.Equal(["wrong", "crash"], panel.FindAll("[data-testid=checks-finding]").Select(f => f.GetAttribute("data-kind")));
        var wrong = panel.FindAll("[data-testid=checks-finding]")[0];
        Assert.Equal("format 'd' shape (2, 3) strides (8, 16) offset 0 writable order F",
            string.Join(" ", wrong.QuerySelector("[data-testid=checks-layout]")!.Children.Select(c => c.TextContent.Trim())));
        Assert.Equal(Wrong.Repro, wrong.QuerySelector("[data-testid=checks-repro]")!.TextContent);
        Assert.Equal(Wrong.Expected, wrong.QuerySelector("[data-testid=checks-expected]")!.TextContent);
        Assert.Equal(Wrong.Got, wrong.QuerySelector("[data-testid=checks-got]")!.TextContent);
        Assert.Equal("cases: 12", wrong.QuerySelector("[data-testid=checks-finding-cases]")!.TextContent);
        Assert.Null(wrong.QuerySelector("[data-testid=checks-traceback]"));
        Assert.Equal(Wrong.Drawing, wrong.QuerySelector("[data-testid=checks-drawing]")!.TextContent);
        var crash = panel.FindAll("[data-testid=checks-finding]")[1];
        Assert.Contains("read-only", crash.QuerySelector("[data-testid=checks-layout]")!.TextContent);
        Assert.Null(crash.QuerySelector("[data-testid=checks-expected]"));
        // The traceback is there, folded: a <details> not open.
        var traceback = crash.QuerySelector("[data-testid=checks-traceback]")!;
        Assert.False(traceback.HasAttribute("open"));
        Assert.Contains("line 3 in c_order", traceback.TextContent);
        Assert.Contains("1 finding, 12 cases", panel.Find("[data-testid=checks-group-wrong]").TextContent);
    }

    [Fact]
    public async Task ProgressThatCameBeforeStartAnswered_IsShown()
    {
        var answer = new TaskCompletionSource<string>();
        Client.OnStartCheck = _ => answer.Task;
        var panel = await PanelAsync();
        Run(panel, "c_order");
        await Until(() => Client.ChecksStarted.Count == 1, "the check was asked for");

        // The feed is quicker than the POST's answer: the check's last event is in before its id.
        Client.Checks["c1"] = Report("c1", CheckStates.Done, 300, 300, "passed=300");
        Client.Publish(Progress("c1", CheckStates.Done, 300, 300, 0, "passed=300"));
        await Until(() => panel.Instance.Feed.State.Checks.ContainsKey("c1"), "the feed took the event");
        answer.SetResult("c1");

        panel.WaitForAssertion(() => Assert.Equal("300 / 300", Text(panel, "checks-done")), Wait);
        panel.WaitForAssertion(() => Assert.Contains("No findings", Text(panel, "checks-clean")), Wait);
    }

    [Fact]
    public async Task Refusals_400And409_AreShownAsTheServerSaidThem_And409ShowsTheRunningCheck()
    {
        Client.OnStartCheck = r => Task.FromException<string>(new BufferscopeApiException(400, "Invalid buffer", "caseTimeoutMs is 5; it must be 10 to 60000"));
        var panel = await PanelAsync();
        Run(panel, "c_order");
        panel.WaitForAssertion(() => Assert.Equal("The server refused: caseTimeoutMs is 5; it must be 10 to 60000", Text(panel, "checks-error")), Wait);
        Assert.Empty(panel.FindAll("[data-testid=checks-progress]"));

        // Another tab's check is running: the 409 says so, and the panel shows that one, to cancel.
        Client.Checks["other"] = Report("other", CheckStates.Running, 5, 300, "passed=5", target: "total");
        Client.OnStartCheck = r => Task.FromException<string>(new BufferscopeApiException(409, "Limit reached", "check other is still running on this session; wait for it or cancel it (DELETE .../checks/other)"));
        panel.Find("form.checks-form").Submit();
        panel.WaitForAssertion(() => Assert.StartsWith("The server refused: check other is still running", Text(panel, "checks-error")), Wait);
        panel.WaitForAssertion(() => Assert.Equal("5 / 300", Text(panel, "checks-done")), Wait);
        Assert.Contains("total", Text(panel, "checks-summary"));
        panel.Find("button[data-testid=checks-cancel]").Click();
        panel.WaitForAssertion(() => Assert.Equal("cancelled", Text(panel, "checks-state")), Wait);
        Assert.Equal(["other"], Client.ChecksCancelled);
    }

    [Fact]
    public async Task AFailedCheck_SaysWhy()
    {
        var panel = await PanelAsync();
        Run(panel, "totl");
        await Until(() => Client.ChecksStarted.Count == 1, "the check started");
        Client.Checks["c1"] = Report("c1", CheckStates.Failed, 0, 0, error: "target 'totl': NameError: name 'totl' is not defined", target: "totl");
        Client.Publish(Progress("c1", CheckStates.Failed, 0, 0, 0));
        panel.WaitForAssertion(() => Assert.Equal("The check failed: target 'totl': NameError: name 'totl' is not defined", Text(panel, "checks-failed")), Wait);
        Assert.Equal(1, Client.CheckFetches);
    }

    [Fact]
    public async Task OpenInInspector_MakesTheFindingsLayoutAndBytes_OnceWhileItIsListed()
    {
        BufferDto? opened = null;
        var made = 0;
        Client.OnCreate = spec =>
        {
            var b = Buffer(1_000_000_000 + ++made, spec.Name!, spec.Format!, spec.Shape) with { Strides = spec.Strides!, Offset = spec.Offset, ReadOnly = spec.Readonly };
            Client.Buffers[b.Id] = b;
            return b;
        };
        Client.Buffers[7] = Buffer(7, "finding_crash_1"); // the name is taken: the next is free
        Client.Checks["c9"] = Report("c9", CheckStates.Done, 300, 300, "passed=287,wrong=12,crash=1", [Wrong, Crash]);
        var panel = await PanelAsync(p => p.Add(x => x.Opened, b => opened = b));
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=checks-finding]").Count), Wait); // the session's newest check, as the page opens
        Assert.Equal("c_order", panel.Find("input[data-testid=checks-target]").GetAttribute("value")); // asked for as it was: Run runs it again

        await OpenAsync(panel, 1);
        panel.WaitForAssertion(() => Assert.Equal("finding_crash_1_2", opened?.Name), Wait);
        var spec = Assert.Single(Client.Created);
        Assert.Equal(("<i", "(1,)", "(-4,)", 0L, true), (spec.Format, BufferLayout.Show(spec.Shape!), BufferLayout.Show(spec.Strides!), spec.Offset, spec.Readonly));
        Assert.Equal(("bytes", "07000000"), (spec.Fill?.Kind, spec.Fill?.Bytes));

        // The feed lists it; opened again, it is that buffer, not a copy.
        Client.Publish(Event("bufferCreated", opened!.Id, opened.Name, 0, buffer: opened));
        await Until(() => panel.Instance.Feed.State.Find(opened.Id) is not null, "the feed listed the buffer");
        opened = null;
        await OpenAsync(panel, 1);
        panel.WaitForAssertion(() => Assert.Equal("finding_crash_1_2", opened?.Name), Wait);
        Assert.Single(Client.Created);

        await OpenAsync(panel, 0);
        panel.WaitForAssertion(() => Assert.Equal("finding_wrong_1", opened?.Name), Wait);
        Assert.Equal(Wrong.Data, Client.Created[1].Fill?.Bytes);
    }

    [Fact]
    public async Task OpenInInspector_Refused_SaysWhyOnTheFinding()
    {
        Client.OnCreate = spec => throw new BufferscopeApiException(400, "Invalid buffer", $"'{spec.Name}' is already bound in session 'demo'; pick another name or delete that buffer first");
        Client.Checks["c9"] = Report("c9", CheckStates.Done, 300, 300, "wrong=12", [Wrong]);
        var panel = await PanelAsync();
        panel.WaitForElement("button[data-testid=checks-open]", Wait).Click();
        panel.WaitForAssertion(() => Assert.Equal("The server refused: 'finding_wrong_1' is already bound in session 'demo'; pick another name or delete that buffer first",
            Text(panel, "checks-open-error")), Wait);
    }

    [Fact]
    public async Task AnExporterChecksFinding_IsShownUnderItsRequest_WithNothingToOpen_AndItsTargetIsNotOfferedToRun()
    {
        var rule = new Finding("wrong", new CaseLayout("B", [4], [1], 0, false), "PyBUF_ND", "obj.__buffer__(0x8)  # PyBUF_ND; __buffer__ is Python 3.12+",
            "strides NULL (not asked for)", "strides (1,)", "filled strides, which PyBUF_ND did not ask for");
        Client.Checks["e1"] = Report("e1", CheckStates.Done, 28, 28, "passed=27,wrong=1", [rule], target: "obj") with { Mode = "exporter" };
        var panel = await PanelAsync();
        panel.WaitForAssertion(() => Assert.Equal("request PyBUF_ND", Text(panel, "checks-flags")), Wait);
        Assert.Empty(panel.FindAll("[data-testid=checks-open]"));
        Assert.Contains("exporter", Text(panel, "checks-summary"));
        Assert.Equal("", panel.Find("input[data-testid=checks-target]").GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task Suggestions_AreTheConsolesCallables_NewestFirst_AndFillTheTarget()
    {
        Client.History.Add(new HistoryDto(1, "import numpy as np\ndef total(b):\n    return np.asarray(b).sum()", true, null, DateTimeOffset.Now));
        Client.History.Add(new HistoryDto(2, "def broken(b):\n    return b[", false, "SyntaxError: '[' was never closed", DateTimeOffset.Now));
        var panel = await PanelAsync();
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("[data-testid=checks-suggestion-total]")), Wait);

        // A run that went well adds its callables.
        Client.History.Add(new HistoryDto(3, "first = lambda b: bytes(b)[0]", true, "", DateTimeOffset.Now));
        Client.Publish(Event("consoleRan", 0, "", 0) with { BufferId = null, Run = new HubRun(true, 1, false, null) });
        panel.WaitForAssertion(() => Assert.Equal(["first", "total"],
            panel.FindAll("[data-testid^=checks-suggestion-]").Select(c => c.TextContent.Trim())), Wait);

        panel.Find("[data-testid=checks-suggestion-total]").Click();
        panel.Find("form.checks-form").Submit();
        await Until(() => Client.ChecksStarted.Count == 1, "the check started");
        Assert.Equal("total", Client.ChecksStarted[0].Target);
    }
}
