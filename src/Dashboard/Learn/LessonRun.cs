using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Client;

namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// A learner going through one lesson, in a session (and kernel) of its own: the step shown, the
/// prediction made, the run and what Python said. Going back replays the steps before into a
/// fresh session, so the state seen at a step is the state its code ran in, whatever ran after.
/// The lesson page renders this; the lesson test drives the same class against a real server, so
/// what it checks is what learners are shown.
///
/// Not thread-safe: a page calls it from its renderer, one action at a time (<see cref="Busy"/>).
/// </summary>
public sealed class LessonRun(IBufferscopeClient client, Lesson lesson, string? python = null) : IAsyncDisposable
{
    private bool _disposed;

    public Lesson Lesson { get; } = lesson;
    /// <summary>The lesson's session now; a new one after each replay.</summary>
    public string? SessionId { get; private set; }
    /// <summary>The step shown, 0-based.</summary>
    public int Index { get; private set; }
    public LessonStep Step => Lesson.Steps[Index];
    /// <summary>The learner's prediction for the step shown, or null before one.</summary>
    public string? Given { get; private set; }
    /// <summary>What the step's run gave, or null before it ran.</summary>
    public StepOutcome? Outcome { get; private set; }
    public bool Busy { get; private set; }
    /// <summary>What a busy lesson is doing ("Replaying steps 1 to 3 in a fresh kernel").</summary>
    public string? Status { get; private set; }
    /// <summary>Why the lesson could not go on: no session, a replay that failed. The page offers to start over.</summary>
    public string? Error { get; private set; }
    /// <summary>The learner's own version of the step's code, run after the step (modify), and what it gave.</summary>
    public RunResponse? Tried { get; private set; }
    /// <summary>The learner ran code of their own at this step: the session is no longer the lesson's state, so Next replays.</summary>
    public bool Modified { get; private set; }

    /// <summary>Raised after every change of state, on the caller's thread.</summary>
    public event Action? Changed;

    public bool IsLast => Index == Lesson.Steps.Count - 1;
    /// <summary>The step is done: it ran, or it has nothing to run.</summary>
    public bool Done => Outcome is not null || !Step.Runs;
    public bool CanAnswer => !Busy && Error is null && Outcome is null && Step.Question is not null;
    /// <summary>A step with a question runs once the prediction is made: predict, then run.</summary>
    public bool CanRun => !Busy && Error is null && SessionId is not null && Step.Runs && Outcome is null && (Step.Question is null || Given is not null);
    public bool CanNext => !Busy && Error is null && Done && !IsLast;
    /// <summary>Once the step ran, the learner may change its code and run that (predict, run, investigate, modify).</summary>
    public bool CanTry => !Busy && Error is null && SessionId is not null && Done && Step.Code is not null;
    public bool CanBack => !Busy && Index > 0;

    /// <summary>Opens the lesson at <paramref name="step"/> (0-based): a fresh session, the steps before it replayed.</summary>
    public Task StartAsync(int step = 0, CancellationToken cancellationToken = default) =>
        GoToAsync(Math.Clamp(step, 0, Lesson.Steps.Count - 1), cancellationToken);

    public void Answer(string given)
    {
        if (!CanAnswer || string.IsNullOrWhiteSpace(given))
            return;
        Given = given.Trim();
        Changed?.Invoke();
    }

    /// <summary>Runs the step shown: its code, then its request, then the question's check.</summary>
    public async Task<StepOutcome?> RunAsync(CancellationToken cancellationToken = default)
    {
        if (!CanRun)
            return null;
        await WhileBusy("Running", async () => Outcome = await RunStepAsync(Step, Given, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return Outcome;
    }

    /// <summary>Runs the learner's own code in the lesson's session (not judged); the next step then starts from a replay.</summary>
    public async Task<RunResponse?> TryAsync(string code, CancellationToken cancellationToken = default)
    {
        if (!CanTry || string.IsNullOrWhiteSpace(code))
            return null;
        await WhileBusy("Running your version", async () =>
        {
            Modified = true;
            Tried = await client.RunAsync(SessionId!, code, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return Tried;
    }

    /// <summary>
    /// The next step. After the learner's own code ran, its state is not the lesson's: the steps
    /// up to this one are replayed into a fresh kernel first, so the next step runs where the
    /// lesson says it does.
    /// </summary>
    public async Task NextAsync(CancellationToken cancellationToken = default)
    {
        if (!CanNext)
            return;
        if (Modified)
        {
            await GoToAsync(Index + 1, cancellationToken).ConfigureAwait(false);
            return;
        }
        Index++;
        Given = null;
        Outcome = null;
        Tried = null;
        Changed?.Invoke();
    }

    /// <summary>The step shown again in a fresh session, the steps before it replayed: after the session was lost (expired, deleted, its kernel gone).</summary>
    public Task ReplayAsync(CancellationToken cancellationToken = default) =>
        Busy ? Task.CompletedTask : GoToAsync(Index, cancellationToken);

    /// <summary>The step before, in the state it ran in: a fresh session with the steps before it replayed.</summary>
    public Task BackAsync(CancellationToken cancellationToken = default) =>
        CanBack ? GoToAsync(Index - 1, cancellationToken) : Task.CompletedTask;

    private async Task GoToAsync(int index, CancellationToken cancellationToken)
    {
        var status = (index == 0 ? "Starting a kernel for the lesson"
            : index == 1 ? "Replaying step 1 in a fresh kernel"
            : $"Replaying steps 1 to {index} in a fresh kernel") + (Modified ? " (your version set aside)" : "");
        await WhileBusy(status, async () =>
        {
            Error = null;
            Given = null;
            Outcome = null;
            Tried = null;
            Modified = false;
            await EndSessionAsync().ConfigureAwait(false);
            var session = await client.CreateSessionAsync($"lesson {Lesson.Number}: {Lesson.Title}", python, cancellationToken).ConfigureAwait(false);
            SessionId = session.Id;
            Index = index;
            for (var i = 0; i < index; i++)
            {
                if (Lesson.Steps[i].Code is not { } code)
                    continue;
                var run = await client.RunAsync(session.Id, code, cancellationToken).ConfigureAwait(false);
                if (Unexpected(Lesson.Steps[i], run) is { } failure)
                {
                    Error = $"Step {i + 1} did not replay: {failure}";
                    return;
                }
            }
        }).ConfigureAwait(false);
    }

    private async Task<StepOutcome> RunStepAsync(LessonStep step, string? given, CancellationToken cancellationToken)
    {
        var session = SessionId!;
        RunResponse? run = null;
        RequestAnswer? answer = null;
        if (step.Code is { } code)
        {
            run = await client.RunAsync(session, code, cancellationToken).ConfigureAwait(false);
            if (Unexpected(step, run) is { } failure)
                return new StepOutcome(run, null, null, null, failure);
        }
        if (step.Request is { } request)
        {
            try
            {
                answer = await client.AskRequestAsync(session, new WorkbenchRequestDto(null, request.Target, request.Value), cancellationToken).ConfigureAwait(false);
            }
            catch (BufferscopeApiException e) { return new StepOutcome(run, null, null, null, $"the request of {request.Target} for {request.Flags} could not be put: {e.Message}"); }
        }
        if (step.Question is not { } question)
            return new StepOutcome(run, answer, null, null, null);
        string actual;
        if (answer is not null)
        {
            try { actual = RequestAnswerField.Read(answer, question.Check); }
            catch (ArgumentException e) { return new StepOutcome(run, answer, null, null, e.Message); }
        }
        else
        {
            var check = await client.RunAsync(session, $"print({question.Check})", cancellationToken).ConfigureAwait(false);
            if (!check.Ok)
                return new StepOutcome(run, answer, null, null, $"the check '{question.Check}' raised {check.Error?.Type}: {check.Error?.Message}");
            actual = check.Stdout.TrimEnd('\n', '\r');
        }
        return new StepOutcome(run, answer, actual, given is null ? null : LessonQuestion.Same(given, actual), null);
    }

    /// <summary>Why a step's run is not what its lesson says (null when it is): it raised, or did not raise what it should.</summary>
    private static string? Unexpected(LessonStep step, RunResponse run) => (step.Raises, run.Ok) switch
    {
        (null, true) => null,
        (null, false) => $"its code raised {run.Error?.Type}: {run.Error?.Message}",
        (var raises, true) => $"its code was meant to raise {raises} and did not",
        (var raises, false) when run.Error?.Type == raises => null,
        (var raises, false) => $"its code was meant to raise {raises} but raised {run.Error?.Type}: {run.Error?.Message}",
    };

    private async Task WhileBusy(string status, Func<Task> work)
    {
        Busy = true;
        Status = status;
        Changed?.Invoke();
        try { await work().ConfigureAwait(false); }
        catch (BufferscopeApiException e)
        {
            Error = e.Status == 404
                ? $"The lesson's session is gone ({e.Message}): it expired, or was deleted. Replay runs the steps before this one again in a fresh kernel."
                : e.Message;
        }
        finally
        {
            Busy = false;
            Status = null;
            if (!_disposed)
                Changed?.Invoke();
        }
    }

    private async Task EndSessionAsync()
    {
        if (SessionId is not { } id)
            return;
        SessionId = null;
        try { await client.DeleteSessionAsync(id, force: true).ConfigureAwait(false); }
        catch (BufferscopeApiException) { } // gone already (expired, or deleted elsewhere): nothing to end
    }

    /// <summary>Ends the lesson's session: a lesson left leaves no kernel behind.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await EndSessionAsync().ConfigureAwait(false);
    }
}
