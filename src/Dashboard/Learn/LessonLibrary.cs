namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// The course: every lesson file in <c>Lessons/</c> beside the server's binaries (the build copies
/// <c>src/Dashboard/Learn/Lessons/</c> there), read once, in their numbers' order. A file that does
/// not parse is not a lesson: it is listed in <see cref="Problems"/> with its file and line, so a
/// teacher sees on /learn what to fix, and the other lessons are still served.
/// </summary>
public sealed class LessonLibrary
{
    public const string FolderName = "Lessons";

    public LessonLibrary(string directory)
    {
        var lessons = new List<Lesson>();
        var problems = new List<string>();
        var folder = Path.Combine(directory, FolderName);
        string[] files = Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.md").Order(StringComparer.Ordinal)] : [];
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            try
            {
                var lesson = LessonParser.Parse(name, File.ReadAllText(path));
                if (lessons.FirstOrDefault(l => l.Id == lesson.Id || l.Number == lesson.Number) is { } clash)
                    problems.Add($"{name}: its number or name is {clash.FileName}'s too; each lesson has its own");
                else
                    lessons.Add(lesson);
            }
            catch (LessonFormatException e) { problems.Add(e.Message); }
        }
        Lessons = [.. lessons.OrderBy(l => l.Number)];
        Problems = problems;
        Folder = folder;
    }

    public IReadOnlyList<Lesson> Lessons { get; }
    /// <summary>What is wrong with each lesson file that is not served.</summary>
    public IReadOnlyList<string> Problems { get; }
    public string Folder { get; }

    public Lesson? Find(string id) => Lessons.FirstOrDefault(l => l.Id == id);

    /// <summary>The lesson after <paramref name="lesson"/>, or null after the last.</summary>
    public Lesson? After(Lesson lesson) => Lessons.SkipWhile(l => l.Id != lesson.Id).Skip(1).FirstOrDefault();
}
