namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// One lesson as its Markdown file says it: a title, what it sets right, the buffer its pages
/// watch, and its steps in order. Lessons are data: a teacher adds one by adding a file to
/// <c>Learn/Lessons/</c> (<see cref="LessonParser"/> says what a file may hold).
/// </summary>
/// <param name="Id">The file's name without its number and extension: <c>views-share-memory</c>, the lesson's address under /learn.</param>
/// <param name="Number">Its place in the course: the file name's leading number.</param>
/// <param name="Misconception">The wrong idea the lesson sets right, in a learner's words.</param>
/// <param name="Buffer">The Python name of the buffer its page shows (hex view, views, export count); it appears when a step makes it.</param>
/// <param name="Needs">Modules the lesson imports that not every interpreter has (numpy).</param>
public sealed record Lesson(
    string Id,
    int Number,
    string Title,
    string Misconception,
    string Buffer,
    IReadOnlyList<string> Needs,
    string IntroHtml,
    IReadOnlyList<LessonStep> Steps)
{
    /// <summary>The file a teacher edits, as the library found it.</summary>
    public string FileName { get; init; } = "";
}
