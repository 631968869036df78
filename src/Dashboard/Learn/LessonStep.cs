namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// One step: text, then the learner's prediction (<see cref="Question"/>, asked before anything
/// runs), then the run in the lesson's kernel: <see cref="Code"/>, and or a request put with the
/// workbench (<see cref="Request"/>). A step with neither is reading only.
/// </summary>
/// <param name="Number">1-based, in the lesson.</param>
/// <param name="Raises">The exception type the code is meant to end with (a lesson can show an error), or null: it must succeed.</param>
public sealed record LessonStep(
    int Number,
    string Title,
    string TextHtml,
    string? Code,
    string? Raises,
    LessonRequest? Request,
    LessonQuestion? Question)
{
    public bool Runs => Code is not null || Request is not null;
}

/// <summary>A workbench request as a step puts it: <see cref="Target"/> is a Python expression in the lesson's session, <see cref="Flags"/> as written (names joined by '|'), <see cref="Value"/> its bits.</summary>
public sealed record LessonRequest(string Target, string Flags, int Value);
