using System.Net.Http.Json;
using Bufferscope.Dashboard.Learn;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bufferscope.Dashboard.Ui.Tests.EndToEnd;

/// <summary>
/// The lessons in the real browser, each in its own real kernel: every lesson walked to its end
/// with no page error, a wrong and a right prediction each explained, Back restoring the state a
/// step ran in (export count and bytes, replayed into a fresh kernel), and progress kept per browser.
/// </summary>
public sealed class LessonPageTests(BrowserFixture browser)
{
    private static readonly LessonLibrary Library = new(AppContext.BaseDirectory);

    /// <summary>Fails the test on any script error or failed circuit the page shows.</summary>
    private static List<string> Errors(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        return errors;
    }

    private static async Task NoFailureAsync(IPage page, List<string> errors, string where)
    {
        Assert.Equal(0, await page.GetByText("Something on this page failed").CountAsync());
        Assert.Equal(0, await page.GetByTestId("step-failure").CountAsync());
        Assert.Equal(0, await page.GetByTestId("lesson-error").CountAsync());
        Assert.True(errors.Count == 0, $"{where}: {string.Join("\n", errors)}");
    }

    private static ILocator Byte(IPage page, int offset) =>
        page.GetByTestId("hex-view").Locator($".hex-row[data-offset='{offset / 16 * 16}'] .hex-bytes span").Nth(offset % 16);

    private static async Task AtStepAsync(IPage page, int number) =>
        await Expect(page.GetByTestId("lesson-step")).ToHaveAttributeAsync("data-step", number.ToString(), new() { Timeout = 30_000 });

    /// <summary>Predicts <paramref name="answer"/> (a choice clicked, or a value typed), runs, and waits for the verdict.</summary>
    private static async Task PredictAndRunAsync(IPage page, LessonStep step, string? answer = null)
    {
        if (step.Question is { } question)
        {
            answer ??= question.Answer;
            if (question.IsChoice)
                await page.GetByTestId("step-choice").Filter(new() { HasTextString = answer }).First.ClickAsync();
            else
                await page.GetByTestId("step-value").FillAsync(answer);
        }
        await page.GetByTestId("step-run").ClickAsync();
        if (step.Question is not null)
            await Expect(page.GetByTestId("step-verdict")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        else
            await Expect(page.GetByTestId("step-next").Or(page.GetByTestId("lesson-done"))).ToBeEnabledAsync();
    }

    [Fact]
    public async Task EveryLesson_WalkedToItsEnd_InTheBrowser_WithNoPageError_AndProgressKeptInThisBrowser()
    {
        var context = await browser.NewContextAsync(1280, 800);
        var page = await context.NewPageAsync();
        var errors = Errors(page);
        await page.GotoAsync("/learn");
        await Expect(page.GetByTestId("lesson-link")).ToHaveCountAsync(10);
        await Expect(page.GetByTestId("lesson-progress").First).ToHaveTextAsync("not started");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "learn-1280.png"), FullPage = true });

        foreach (var lesson in Library.Lessons)
        {
            await page.GotoAsync($"/learn/{lesson.Id}");
            await Expect(page.GetByTestId("lesson-title")).ToHaveTextAsync(lesson.Title);
            foreach (var step in lesson.Steps)
            {
                await AtStepAsync(page, step.Number);
                var where = $"{lesson.FileName}, step {step.Number}";
                if (step.TextHtml.Trim().Length > 0)
                    await Expect(page.GetByTestId("step-text")).ToBeVisibleAsync();
                if (step.Question is not null)
                    await Expect(page.GetByTestId("step-run")).ToBeDisabledAsync(); // predict first
                if (step.Runs)
                    await PredictAndRunAsync(page, step);
                if (step.Question is not null)
                    await Expect(page.GetByTestId("step-verdict")).ToHaveAttributeAsync("data-right", "true");
                if (step.Request is not null)
                    await Expect(page.GetByTestId("request-result").GetByTestId("request-outcome")).ToBeVisibleAsync();
                if (lesson.Number == 8 && step.Number == 3)
                    await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "lesson-request-step-1280.png"), FullPage = true });
                await NoFailureAsync(page, errors, where);
                if (step.Number < lesson.Steps.Count)
                    await page.GetByTestId("step-next").ClickAsync();
            }
            await Expect(page.GetByTestId("lesson-done")).ToBeVisibleAsync();
        }

        await page.GotoAsync("/learn");
        await Expect(page.GetByTestId("lesson-progress")).ToHaveTextAsync([.. Enumerable.Repeat("done", 10)]);
        // Another browser has its own progress.
        var other = await (await browser.NewContextAsync(1280, 800)).NewPageAsync();
        await other.GotoAsync("/learn");
        await Expect(other.GetByTestId("lesson-progress").First).ToHaveTextAsync("not started");
        await NoFailureAsync(page, errors, "/learn");
    }

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task A_WrongAndA_RightPrediction_AreEachExplained_AndBackTwoSteps_RestoresTheStateThatStepRanIn(int width, int height)
    {
        var lesson = Library.Find("views-share-memory")!;
        var page = await browser.NewPageAsync(width, height);
        var errors = Errors(page);
        if (width < 600)
        {
            await page.GotoAsync("/learn");
            await Expect(page.GetByTestId("lesson-link")).ToHaveCountAsync(10);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"learn-{width}.png"), FullPage = true });
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "/learn is wider than the phone");
        }
        await page.GotoAsync($"/learn/{lesson.Id}");
        await AtStepAsync(page, 1);

        // Step 1, answered wrongly: said so, with Python's value and why.
        await PredictAndRunAsync(page, lesson.Steps[0], "1");
        var verdict = page.GetByTestId("step-verdict");
        await Expect(verdict).ToHaveAttributeAsync("data-right", "false");
        await Expect(verdict).ToContainTextAsync("Not quite.");
        await Expect(verdict.GetByTestId("step-actual")).ToHaveTextAsync("0");
        await Expect(verdict).ToContainTextAsync("Making the exporter asks for none");
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("0");

        // Step 2, rightly.
        await page.GetByTestId("step-next").ClickAsync();
        await AtStepAsync(page, 2);
        await PredictAndRunAsync(page, lesson.Steps[1], "1");
        await Expect(verdict).ToHaveAttributeAsync("data-right", "true");
        await Expect(verdict).ToContainTextAsync("Right.");
        await Expect(verdict).ToContainTextAsync("The memoryview holds one Py_buffer of buf");
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("view-row")).ToHaveCountAsync(1);

        // Steps 3 to 6: numpy's view, writes through both, then every view let go.
        for (var n = 3; n <= 6; n++)
        {
            await page.GetByTestId("step-next").ClickAsync();
            await AtStepAsync(page, n);
            await PredictAndRunAsync(page, lesson.Steps[n - 1]);
            if (n == 3)
            {
                // Each view named by what holds it; numpy's opens the code that made it, and its Py_buffer.
                await Expect(page.GetByTestId("view-holder")).ToHaveTextAsync(["memoryview mv", "numpy.ndarray a (through a memoryview)"]);
                var numpys = page.GetByTestId("view-row").Nth(1);
                await numpys.GetByTestId("view-origin").ClickAsync();
                await Expect(numpys.GetByTestId("view-origin-code").Locator(".origin-line")).ToHaveTextAsync("a = np.frombuffer(buf, dtype=np.uint8)");
                await numpys.GetByTestId("view-pybuffer-toggle").ClickAsync();
                await Expect(numpys.GetByTestId("pybuffer-card").Locator("tr[data-field=shape] td").Last).ToHaveTextAsync("{8}");
                await numpys.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"lesson-view-card-{width}.png") });
            }
            if (n == 5)
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"lesson-midway-{width}.png"), FullPage = true });
        }
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("0");
        await Expect(Byte(page, 0)).ToHaveTextAsync("ff");
        await Expect(Byte(page, 2)).ToHaveTextAsync("02");

        // Back two steps: step 4 as it ran, after steps 1 to 3 replayed in a fresh kernel: numpy's
        // and the memoryview's exports live again, and none of the writes made yet.
        await page.GetByTestId("step-back").ClickAsync();
        await AtStepAsync(page, 5);
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("2");
        await page.GetByTestId("step-back").ClickAsync();
        await AtStepAsync(page, 4);
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("view-row")).ToHaveCountAsync(2);
        await Expect(Byte(page, 0)).ToHaveTextAsync("00");
        await Expect(Byte(page, 2)).ToHaveTextAsync("00");
        await Expect(page.GetByTestId("step-run")).ToBeDisabledAsync(); // predict again first
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, $"lesson-back-{width}.png"), FullPage = true });

        // And on from there as before.
        await PredictAndRunAsync(page, lesson.Steps[3]);
        await Expect(Byte(page, 0)).ToHaveTextAsync("ff");
        await NoFailureAsync(page, errors, lesson.FileName);
        if (width < 600)
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the lesson page is wider than the phone");
    }

    [Fact]
    public async Task A_LessonWhoseSessionWasDeleted_SaysSo_AndReplaysToTheStep()
    {
        var lesson = Library.Find("elements-and-bytes")!;
        var page = await browser.NewPageAsync();
        var errors = Errors(page);
        await page.GotoAsync($"/learn/{lesson.Id}");
        await AtStepAsync(page, 1);
        await PredictAndRunAsync(page, lesson.Steps[0]);
        await page.GetByTestId("step-next").ClickAsync();
        await AtStepAsync(page, 2);
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("1");

        // Its session deleted behind its back (as by another page, or expiry).
        var sessions = await browser.Http.GetFromJsonAsync<List<Api.Contracts.SessionDto>>("/api/sessions", BrowserFixture.Json, TestContext.Current.CancellationToken);
        var mine = sessions!.Single(s => s.Name == $"lesson {lesson.Number}: {lesson.Title}");
        (await browser.Http.DeleteAsync($"/api/sessions/{mine.Id}?force=true", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await page.GetByTestId("step-value").FillAsync("48");
        await page.GetByTestId("step-run").ClickAsync();
        await Expect(page.GetByTestId("lesson-error")).ToContainTextAsync("The lesson's session is gone");

        await page.GetByTestId("lesson-replay").ClickAsync();
        await Expect(page.GetByTestId("lesson-error")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("1"); // step 1 replayed: its memoryview again
        await PredictAndRunAsync(page, lesson.Steps[1]);
        await Expect(page.GetByTestId("step-verdict")).ToHaveAttributeAsync("data-right", "true");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task Modify_RunsTheLearnersOwnVersion_AndNext_ReplaysTheLessonsStateFirst()
    {
        var lesson = Library.Find("exports-lock-the-exporter")!;
        var page = await browser.NewPageAsync();
        var errors = Errors(page);
        await page.GotoAsync($"/learn/{lesson.Id}");
        for (var n = 1; n <= 3; n++)
        {
            await AtStepAsync(page, n);
            await PredictAndRunAsync(page, lesson.Steps[n - 1]);
            if (n < 3)
                await page.GetByTestId("step-next").ClickAsync();
        }
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("2");

        // The learner's version: a third view. It runs in the lesson's kernel, and shows.
        await page.GetByTestId("step-modify").Locator("summary").ClickAsync();
        await page.GetByTestId("step-modify-code").FillAsync(lesson.Steps[2].Code + "\nm3 = memoryview(buf)\nbuf.exports");
        await page.GetByTestId("step-modify-run").ClickAsync();
        await Expect(page.GetByTestId("step-modify-output")).ToContainTextAsync("Out: 3");
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("3");

        // Next sets it aside: step 4 runs where the lesson says, two views, and its answer holds.
        await page.GetByTestId("step-next").ClickAsync();
        await AtStepAsync(page, 4);
        await Expect(page.GetByTestId("lesson-exports")).ToHaveTextAsync("2");
        await PredictAndRunAsync(page, lesson.Steps[3]);
        await Expect(page.GetByTestId("step-verdict")).ToHaveAttributeAsync("data-right", "true");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
