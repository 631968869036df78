using Bufferscope.Core.Checks;
using Bufferscope.Dashboard.Model;
using Bufferscope.Dashboard.Ui.Tests.Components;
using static Bufferscope.Dashboard.Ui.Tests.Components.FakeBufferscopeClient;

namespace Bufferscope.Dashboard.Ui.Tests.Model;

/// <summary>The tracker's ordering rules, with answers held back: one fetch at a time, and a late answer never wins.</summary>
public sealed class CheckTrackerTests
{
    private static readonly Finding Wrong = new("wrong", new CaseLayout("B", [2], [2], 0, false), null, "c_order(...)", "[0, 1]", "[0, 165]", "differs");

    private readonly FakeBufferscopeClient _client = new();
    private readonly SessionState _state = new();

    private async Task<CheckTracker> StartedAsync()
    {
        var tracker = new CheckTracker(_client, "s1");
        await tracker.StartAsync(new CheckRequest { Target = "c_order" }, _state);
        Assert.Equal("c1", tracker.CheckId);
        return tracker;
    }

    [Fact]
    public async Task UpdateAsync_FindingsMoveWhileAFetchIsOut_FetchesOnceMoreWhenItIsBack_NotOncePerEvent()
    {
        var tracker = await StartedAsync();
        var late = new TaskCompletionSource();
        _client.BeforeCheckAnswer = () => late.Task;
        _client.Checks["c1"] = Report("c1", CheckStates.Running, 10, 300, "wrong=1", [Wrong]);
        _state.Apply([Progress("c1", CheckStates.Running, 10, 300, 1, "wrong=1")]);
        var updates = new List<Task> { tracker.UpdateAsync(_state) };
        for (var n = 2; n <= 5; n++)
        {
            _state.Apply([Progress("c1", CheckStates.Running, 10 * n, 300, n, $"wrong={n}")]);
            updates.Add(tracker.UpdateAsync(_state)); // the fetch is out: each only notes it
        }
        Assert.Equal(1, _client.CheckFetches);

        _client.BeforeCheckAnswer = null;
        _client.Checks["c1"] = Report("c1", CheckStates.Running, 50, 300, "wrong=5", [Wrong, Wrong, Wrong, Wrong, Wrong]);
        late.SetResult();
        await Task.WhenAll(updates).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(2, _client.CheckFetches);
        Assert.Equal(5, tracker.Report!.Findings.Count);
        Assert.Equal(50, tracker.Progress!.Done);
    }

    [Fact]
    public async Task CancelAsync_AFetchSentBeforeItAnswersAfterIt_TheCheckStaysCancelled()
    {
        var tracker = await StartedAsync();
        var late = new TaskCompletionSource();
        _client.BeforeCheckAnswer = () => late.Task;
        _client.Checks["c1"] = Report("c1", CheckStates.Running, 40, 300, "wrong=1", [Wrong]);
        _state.Apply([Progress("c1", CheckStates.Running, 40, 300, 1, "wrong=1")]);
        var fetching = tracker.UpdateAsync(_state); // reads the running report, answers late

        _client.BeforeCheckAnswer = null;
        await tracker.CancelAsync();
        late.SetResult();
        await fetching.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(CheckStates.Cancelled, tracker.Progress!.State);
        Assert.Equal(CheckStates.Cancelled, tracker.Report!.State);
        Assert.False(tracker.Running);
    }

    [Fact]
    public async Task UpdateAsync_AnEventOlderThanTheReport_DoesNotTakeTheBarBack()
    {
        var tracker = await StartedAsync();
        _client.Checks["c1"] = Report("c1", CheckStates.Done, 300, 300, "passed=299,wrong=1", [Wrong]);
        _state.Apply([Progress("c1", CheckStates.Done, 300, 300, 1, "passed=299,wrong=1")]);
        await tracker.UpdateAsync(_state);
        // A snapshot after a lost connection: the state still holds an earlier event of it.
        _state.Apply([Progress("c1", CheckStates.Running, 120, 300, 1, "passed=119,wrong=1")]);
        await tracker.UpdateAsync(_state);
        Assert.Equal((CheckStates.Done, 300), (tracker.Progress!.State, tracker.Progress.Done));
        Assert.Equal(1, _client.CheckFetches);
    }
}
