using Bufferscope.Core.Checks;
using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The check a session's Checks panel shows: the one it started, or, when the page opens, the
/// newest the server keeps. Its progress is folded from the session's one feed
/// (<see cref="SessionState.Checks"/>); its findings come over HTTP, and only when they can have
/// changed: when the progress counts more findings than the report in hand, or the check ended.
///
/// Ordering rules:
/// - Progress can come before Start's answer (the feed is quicker than HTTP): Start looks in the
///   state for what came first rather than waiting for the next event.
/// - A report fetched and the feed can cross. What is shown is whichever is further along (an
///   ended check beats a running one, then more cases done, then more findings), so a late answer
///   never takes the bar back.
/// - One fetch at a time. Progress that makes the report stale while one is out fetches once more
///   when it is back, not once per event.
///
/// Not thread-safe: the panel calls it on its renderer.
/// </summary>
public sealed class CheckTracker(IBufferscopeClient client, string sessionId)
{
    private static readonly IReadOnlyDictionary<string, int> NoCounts = CheckKinds.All.ToDictionary(k => k, _ => 0);
    private static readonly Dictionary<string, int> KindOrder = CheckKinds.All.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
    private bool _fetching;
    private bool _again;

    public string SessionId { get; } = sessionId;
    public string? CheckId { get; private set; }
    /// <summary>The furthest progress known, from the feed or from a report.</summary>
    public HubCheck? Progress { get; private set; }
    /// <summary>The latest report fetched: the findings, and what the server made of the request.</summary>
    public CheckReport? Report { get; private set; }
    /// <summary>The request as sent, for the summary until a report says it.</summary>
    public CheckRequest? Request { get; private set; }
    /// <summary>Why the last command failed, as the server put it (a refused request, a check already running).</summary>
    public string? Error { get; private set; }
    /// <summary>A start or a cancel is out.</summary>
    public bool Busy { get; private set; }

    public bool Running => Progress?.State == CheckStates.Running;

    /// <summary>The report's findings by kind, in the order kinds are counted; within a kind, as found.</summary>
    public IReadOnlyList<IGrouping<string, Finding>> Groups =>
        Report is null ? [] : [.. Report.Findings.GroupBy(f => f.Kind).OrderBy(g => Order(g.Key))];

    private static int Order(string kind) => KindOrder.GetValueOrDefault(kind, int.MaxValue);

    public void DismissError() => Error = null;

    /// <summary>
    /// After a snapshot: the page's first, or one after a lost connection, when events were lost.
    /// With no check shown, the newest the server keeps (a reload in the middle of one finds it);
    /// else the shown one's report again.
    /// </summary>
    public async Task LoadAsync(SessionState state)
    {
        try
        {
            if (CheckId is null)
            {
                var newest = (await client.ListChecksAsync(SessionId)).FirstOrDefault();
                if (newest is not null && CheckId is null) // a Start answered meanwhile wins
                    Show(newest);
            }
            else
                await FetchAsync();
        }
        catch (BufferscopeApiException e) { Error = e.Message; }
        await UpdateAsync(state);
    }

    /// <summary>After each feed change: the shown check's progress, and its report when that went stale.</summary>
    public Task UpdateAsync(SessionState state)
    {
        if (CheckId is null || !state.Checks.TryGetValue(CheckId, out var progress))
            return Task.CompletedTask;
        Advance(progress);
        return Stale ? FetchAsync() : Task.CompletedTask;
    }

    public async Task StartAsync(CheckRequest request, SessionState state)
    {
        Error = null;
        Busy = true;
        try
        {
            var id = await client.StartCheckAsync(SessionId, request);
            CheckId = id;
            Request = request;
            Report = null;
            Progress = new HubCheck(id, CheckStates.Running, 0, 0, NoCounts, 0);
            await UpdateAsync(state);
        }
        catch (BufferscopeApiException e) when (e.Status == 409)
        {
            Error = e.Message;
            // One check at a time per session: show the one running (another tab's, or this
            // page's before a reload), so it can be watched and cancelled from here.
            try
            {
                if ((await client.ListChecksAsync(SessionId)).FirstOrDefault(r => r.State == CheckStates.Running) is { } running && running.Id != CheckId)
                    Show(running);
            }
            catch (BufferscopeApiException) { }
        }
        catch (BufferscopeApiException e) { Error = e.Message; }
        finally { Busy = false; }
    }

    public async Task CancelAsync()
    {
        if (CheckId is not { } id)
            return;
        Error = null;
        Busy = true;
        try { Take(await client.CancelCheckAsync(SessionId, id)); }
        catch (BufferscopeApiException e) { Error = e.Message; }
        finally { Busy = false; }
    }

    private void Show(CheckReport report)
    {
        CheckId = report.Id;
        Request = null;
        Progress = null;
        Take(report);
    }

    private void Take(CheckReport report)
    {
        if (report.Id != CheckId)
            return; // a check no longer shown
        var progress = Of(report);
        // A fetch sent before a cancel can answer after it: the cancel's report is the later one.
        if (Report is not null && Rank(progress).CompareTo(Rank(Of(Report))) < 0)
            return;
        Report = report;
        Advance(progress);
    }

    private static HubCheck Of(CheckReport r) => new(r.Id, r.State, r.Total, r.Done, r.Counts, r.Findings.Count);

    private void Advance(HubCheck progress)
    {
        if (progress.Id == CheckId && (Progress is null || Rank(progress).CompareTo(Rank(Progress)) > 0))
            Progress = progress;
    }

    private static (bool Ended, int Done, int Findings) Rank(HubCheck p) => (p.State != CheckStates.Running, p.Done, p.Findings);

    /// <summary>The report in hand lacks findings the progress counts, or still runs when the check has ended.</summary>
    private bool Stale => Progress is { } p && (Report is null
        ? p.Findings > 0 || p.State != CheckStates.Running
        : p.Findings > Report.Findings.Count || (p.State != CheckStates.Running && Report.State == CheckStates.Running));

    private async Task FetchAsync()
    {
        if (_fetching)
        {
            _again = true;
            return;
        }
        _fetching = true;
        try
        {
            do
            {
                _again = false;
                if (CheckId is not { } id)
                    break;
                Take(await client.GetCheckAsync(SessionId, id));
            }
            while (_again && Stale);
        }
        catch (BufferscopeApiException e) { Error = e.Message; }
        finally { _fetching = false; }
    }
}
