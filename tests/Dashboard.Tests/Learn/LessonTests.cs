using System.Diagnostics;
using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Learn;
using Bufferscope.Dashboard.Tests.Kernels;

namespace Bufferscope.Dashboard.Tests.Learn;

/// <summary>A server that allows every interpreter present, for the lessons to run on each.</summary>
public sealed class LessonServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;
    public LessonLibrary Library { get; } = new(AppContext.BaseDirectory);

    public async ValueTask InitializeAsync()
    {
        var others = PythonBuilds.Present().Skip(1).Select((p, i) => $"--Bufferscope:Python:Interpreters:{i}={p}");
        Server = await TestServer.StartAsync([.. others, "--Bufferscope:Kernels:Warm=1", "--Bufferscope:Limits:RunsPerMinute=100000"]);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Every step of every lesson, run as a learner runs it (the page's own <see cref="LessonRun"/>,
/// through the real client) in a real kernel on every interpreter present: each step does what
/// its lesson says (its code succeeds, or raises what it says), and each question's recorded
/// answer is what Python says at that step. A lesson cannot teach something Python does not do.
/// </summary>
public sealed class LessonTests(LessonServer fixture) : IClassFixture<LessonServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Lessons()
    {
        var data = new TheoryData<string, string>();
        foreach (var python in PythonBuilds.Present())
            foreach (var lesson in new LessonLibrary(AppContext.BaseDirectory).Lessons)
                data.Add(lesson.Id, python);
        return data;
    }

    [Fact]
    public void TheCourse_IsTenLessons_InTheIssuesOrder_AndEveryFileParses()
    {
        Assert.Empty(fixture.Library.Problems);
        Assert.Equal(
            ["views-share-memory", "elements-and-bytes", "read-only-comes-from-the-exporter", "exports-lock-the-exporter", "shape-strides-and-offset",
             "contiguity", "formats-and-byte-order", "request-flags", "writing-an-exporter-right", "memory-with-no-owner"],
            fixture.Library.Lessons.Select(l => l.Id));
        Assert.All(fixture.Library.Lessons, l => Assert.Contains(l.Steps, s => s.Question is not null));
        Assert.Contains(fixture.Library.Lessons, l => l.Steps.Any(s => s.Request is not null)); // the workbench as a step kind
    }

    [Theory]
    [MemberData(nameof(Lessons))]
    public async Task EveryStep_DoesWhatItsLessonSays_AndEveryRecordedAnswer_IsPythons(string lessonId, string python)
    {
        var lesson = fixture.Library.Find(lessonId)!;
        foreach (var module in lesson.Needs)
            if (!Has(python, module))
                Assert.Skip($"{lesson.FileName} needs {module}, which {python} does not have");
        var token = fixture.Server.Token;
        await using var client = new BufferscopeClient(fixture.Server.BaseAddress, () => ValueTask.FromResult<string?>(token));
        var run = new LessonRun(client, lesson, python == PythonBuilds.Present()[0] ? null : python);
        string session;
        await using (run)
        {
            await run.StartAsync(0, Ct);
            Assert.Null(run.Error);
            session = run.SessionId!;
            Assert.Equal(python, (await client.GetSessionAsync(session, Ct)).Kernel?.Python?.Executable);
            var checkedAnswers = 0;
            while (true)
            {
                var step = run.Step;
                var where = $"{lesson.FileName}, step {step.Number} ('{step.Title}') on {python}";
                if (step.Question is { } question)
                {
                    Assert.False(run.CanRun, $"{where}: it ran before the prediction");
                    run.Answer(question.Answer);
                }
                if (step.Runs)
                {
                    var outcome = await run.RunAsync(Ct);
                    Assert.NotNull(outcome);
                    Assert.True(outcome.Failure is null, $"{where}: {outcome.Failure}");
                    if (step.Question is { } asked)
                    {
                        Assert.True(LessonQuestion.Same(asked.Answer, outcome.Actual),
                            $"{where}: the lesson says '{asked.Answer}' to '{asked.Ask}', Python says '{outcome.Actual}' ({asked.Check})");
                        Assert.True(outcome.Right, $"{where}: the recorded answer was not judged right");
                        checkedAnswers++;
                    }
                }
                if (run.IsLast)
                    break;
                await run.NextAsync(Ct);
            }
            Assert.Equal(lesson.Steps.Count(s => s.Question is not null), checkedAnswers);
        }
        // The lesson's session and its kernel ended with it.
        Assert.Null(run.SessionId);
        var gone = await Assert.ThrowsAsync<BufferscopeApiException>(() => client.GetSessionAsync(session, Ct));
        Assert.Equal(404, gone.Status);
    }

    /// <summary>Whether the interpreter imports <paramref name="module"/> as a kernel would (isolated: no user site).</summary>
    private static bool Has(string python, string module)
    {
        using var probe = Process.Start(new ProcessStartInfo(python, ["-I", "-c", $"import {module}"]) { RedirectStandardError = true })!;
        probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }
}
