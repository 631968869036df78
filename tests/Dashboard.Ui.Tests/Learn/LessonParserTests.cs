using Bufferscope.Dashboard.Learn;

namespace Bufferscope.Dashboard.Ui.Tests.Learn;

/// <summary>What a teacher's lesson file may say, and what they are told when it says something else: the file, the line, what is allowed.</summary>
public sealed class LessonParserTests
{
    private const string Front = "---\ntitle: T\nmisconception: \"m\"   # a comment\nbuffer: buf\n---\n";

    private static string Error(string markdown, string file = "01-a-lesson.md") =>
        Assert.Throws<LessonFormatException>(() => LessonParser.Parse(file, markdown)).Message;

    [Fact]
    public void A_lesson_reads_as_steps_with_code_request_and_question()
    {
        var lesson = LessonParser.Parse("03-a-lesson.md", Front + """
            Intro with <b>raw html</b>.

            ## First
            Some *text*.
            ```python raises=BufferError
            x = 1
            ```
            ```question
            ask: How many?
            choice: 0
            choice: 1
            answer: 1
            check: x
            explain: Because
              it is.
            ```

            ## Second
            ```request
            target: buf
            flags: PyBUF_ND | PyBUF_FORMAT
            ```

            ## Reading only
            Nothing to run.
            """);
        Assert.Equal(("a-lesson", 3, "T", "m", "buf"), (lesson.Id, lesson.Number, lesson.Title, lesson.Misconception, lesson.Buffer));
        Assert.Contains("&lt;b&gt;raw html&lt;/b&gt;", lesson.IntroHtml); // shown as text: lessons render as markup
        Assert.Equal(3, lesson.Steps.Count);
        var first = lesson.Steps[0];
        Assert.Equal(("First", "x = 1", "BufferError"), (first.Title, first.Code, first.Raises));
        Assert.Contains("<em>text</em>", first.TextHtml);
        Assert.Equal(["0", "1"], first.Question!.Choices);
        Assert.Equal("Because it is.", first.Question.Explain);
        Assert.Equal(new LessonRequest("buf", "PyBUF_ND | PyBUF_FORMAT", 0xc), lesson.Steps[1].Request);
        Assert.False(lesson.Steps[2].Runs);
    }

    [Theory]
    [InlineData("lesson.md", "## S\n", "lesson.md, line 1: a lesson file is named NN-words-in-lower-case.md")]
    [InlineData("01-a.md", "no front matter\n", "01-a.md, line 1: a lesson starts with front matter")]
    [InlineData("01-a.md", "---\ntitle: T\nbuffer: b\n---\n## S\n", "01-a.md, line 1: the front matter has no 'misconception:'")]
    [InlineData("01-a.md", "---\ntitle: T\ncolour: red\n---\n", "01-a.md, line 3: 'colour: red' is not a 'key: value' line with a key of title, misconception, buffer, needs")]
    [InlineData("01-a.md", Front + "text only\n", "01-a.md, line 1: the lesson has no steps")]
    [InlineData("01-a.md", Front + "## S\n```question\nask: a\nchoice: 1\nchoice: 2\nanswer: 3\ncheck: x\nexplain: e\n```\n", "01-a.md, line 7: the answer '3' is not one of the choices (1 | 2)")]
    [InlineData("01-a.md", Front + "## S\n```question\nask: a\nanswer: 3\ncheck: x\nexplain: e\n```\n", "01-a.md, line 6: step 1 asks a question but runs nothing")]
    [InlineData("01-a.md", Front + "## S\n```python\nx\n```\n```question\nask: a\nanswer: 3\nexplain: e\n```\n", "01-a.md, line 10: the 'question' block of step 1 needs exactly one 'check:' line")]
    [InlineData("01-a.md", Front + "## S\n```request\ntarget: b\nflags: PyBUF_SHAPE\n```\n", "01-a.md, line 7: 'PyBUF_SHAPE' is not a request flag")]
    [InlineData("01-a.md", Front + "## S\n```python sometimes\nx\n```\n", "01-a.md, line 7: 'python sometimes': the only argument allowed is raises=ExceptionType")]
    [InlineData("01-a.md", Front + "## S\n```python\nx\n```\nlate text\n", "01-a.md, line 10: text after step 1's code")]
    public void A_file_that_says_something_else_is_refused_naming_its_line_and_what_is_allowed(string file, string markdown, string expected) =>
        Assert.StartsWith(expected, Error(markdown, file));

    [Fact]
    public void The_library_serves_the_good_lessons_and_lists_the_bad_files()
    {
        var dir = Directory.CreateTempSubdirectory("lessons-");
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(dir.FullName, LessonLibrary.FolderName)).FullName;
            File.WriteAllText(Path.Combine(folder, "02-second.md"), Front + "## S\ntext\n");
            File.WriteAllText(Path.Combine(folder, "01-first.md"), Front + "## S\ntext\n");
            File.WriteAllText(Path.Combine(folder, "03-broken.md"), "nothing\n");
            File.WriteAllText(Path.Combine(folder, "02-again.md"), Front + "## S\ntext\n");
            var library = new LessonLibrary(dir.FullName);
            // Files are read in name order: of two with the same number, the first is served.
            Assert.Equal(["first", "again"], library.Lessons.Select(l => l.Id));
            Assert.Equal("again", library.After(library.Lessons[0])!.Id);
            Assert.Null(library.After(library.Lessons[1]));
            Assert.Equal(2, library.Problems.Count);
            Assert.Contains(library.Problems, p => p.StartsWith("03-broken.md, line 1", StringComparison.Ordinal));
            Assert.Contains(library.Problems, p => p.StartsWith("02-second.md: its number or name is 02-again.md's too", StringComparison.Ordinal));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Theory]
    [InlineData("(8, 2)", "(8,2)", true)]
    [InlineData(" True ", "True", true)]
    [InlineData("[255, 1, 2]", "[255,1,2]", true)]
    [InlineData("1", "1.0", false)]
    [InlineData("b'A'", "b'a'", false)]
    public void Answers_compare_as_text_but_for_spaces(string given, string actual, bool same) =>
        Assert.Equal(same, LessonQuestion.Same(given, actual));
}
