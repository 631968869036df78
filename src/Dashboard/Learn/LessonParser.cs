using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// Reads a lesson file. What a file holds:
/// <code>
/// ---
/// title: Views share memory
/// misconception: "a numpy array made from a buffer is a copy of it"
/// buffer: buf            # the Python name of the buffer the page shows
/// needs: numpy           # optional: modules not every interpreter has, comma-separated
/// ---
/// An introduction (any Markdown).
///
/// ## A step's title
/// The step's text (any Markdown, code blocks in other languages included).
/// ```python            (or: ```python raises=BufferError, when the code is meant to end so)
/// mv = memoryview(buf)
/// ```
/// ```request           (optional: a workbench request, put after the code)
/// target: buf
/// flags: PyBUF_ND | PyBUF_FORMAT
/// ```
/// ```question          (optional: asked before the step runs)
/// ask: How many exports does buf have now?
/// choice: 0            (one line per answer offered; none: the learner types a value)
/// choice: 1
/// answer: 1            (the recorded answer: the lesson test holds it to Python's)
/// check: buf.exports   (a Python expression, or with a request, a field of its answer)
/// explain: Why, in a sentence or two (a line that starts with spaces goes on the one before).
/// ```
/// </code>
/// Raw HTML is shown as text: lessons are rendered as markup.
/// </summary>
public static partial class LessonParser
{
    private static readonly MarkdownPipeline FilePipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();
    private static readonly MarkdownPipeline TextPipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();
    private static readonly string[] LessonKeys = ["title", "misconception", "buffer", "needs"];
    private static readonly string[] QuestionKeys = ["ask", "choice", "answer", "check", "explain"];
    private static readonly string[] RequestKeys = ["target", "flags"];

    [GeneratedRegex(@"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")]
    private static partial Regex FileNamePattern();

    /// <summary>Whether a file name is a lesson's: <c>NN-words-in-lower-case.md</c>.</summary>
    public static bool IsLessonFile(string fileName) => FileNamePattern().IsMatch(fileName);

    public static Lesson Parse(string fileName, string markdown)
    {
        var name = FileNamePattern().Match(fileName);
        if (!name.Success)
            throw new LessonFormatException(fileName, 1, "a lesson file is named NN-words-in-lower-case.md (01-views-share-memory.md)");
        var document = Markdown.Parse(markdown, FilePipeline);
        if (document.FirstOrDefault() is not YamlFrontMatterBlock front)
            throw new LessonFormatException(fileName, 1, "a lesson starts with front matter between '---' lines: title, misconception, buffer (and needs)");
        var fields = Fields(fileName, front.Line + 2, front.Lines.Lines.Take(front.Lines.Count).Select(l => l.ToString()), LessonKeys, comments: true);
        string Required(string key) => fields.TryGetValue(key, out var v) && v.Count > 0 && v[0].Length > 0 ? v[0]
            : throw new LessonFormatException(fileName, front.Line + 1, $"the front matter has no '{key}:' (it needs title, misconception and buffer)");

        var intro = new List<Block>();
        var steps = new List<LessonStep>();
        StepBuilder? step = null;
        foreach (var block in document.Skip(1))
        {
            if (block is HeadingBlock { Level: 2 } heading)
            {
                if (step is not null)
                    steps.Add(step.Build(markdown));
                step = new StepBuilder(fileName, steps.Count + 1, Source(markdown, heading).TrimStart('#').Trim(), heading.Line + 1);
            }
            else if (step is null)
            {
                if (block is FencedCodeBlock { Info: "python" or "question" or "request" } early)
                    throw new LessonFormatException(fileName, early.Line + 1, $"a '{early.Info}' block before the first '## ' step: each belongs to a step");
                intro.Add(block);
            }
            else
                step.Add(block, markdown);
        }
        if (step is not null)
            steps.Add(step.Build(markdown));
        if (steps.Count == 0)
            throw new LessonFormatException(fileName, 1, "the lesson has no steps: each starts with a '## ' heading");

        var needs = fields.TryGetValue("needs", out var n) && n.Count > 0
            ? n[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return new Lesson(name.Groups[2].Value, int.Parse(name.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            Required("title"), Required("misconception"), Required("buffer"), needs, Html(markdown, intro), steps) { FileName = fileName };
    }

    private static string Source(string markdown, Block block) => markdown.Substring(block.Span.Start, block.Span.Length);

    private static string Html(string markdown, IEnumerable<Block> blocks) =>
        Markdown.ToHtml(string.Join("\n\n", blocks.Select(b => Source(markdown, b))), TextPipeline);

    /// <summary>"key: value" lines; a line starting with spaces continues the value before it. Keys may repeat (choice).</summary>
    private static Dictionary<string, List<string>> Fields(string file, int firstLine, IEnumerable<string> lines, string[] allowed, bool comments = false)
    {
        var fields = new Dictionary<string, List<string>>();
        List<string>? last = null;
        var number = firstLine - 1;
        foreach (var line in lines)
        {
            number++;
            if (line.Trim().Length == 0)
                continue;
            if (char.IsWhiteSpace(line[0]) && last is not null)
            {
                last[^1] = $"{last[^1]} {line.Trim()}";
                continue;
            }
            var colon = line.IndexOf(':');
            var key = colon > 0 ? line[..colon].Trim() : "";
            if (!allowed.Contains(key))
                throw new LessonFormatException(file, number, $"'{line.Trim()}' is not a 'key: value' line with a key of {string.Join(", ", allowed)}");
            var value = line[(colon + 1)..];
            value = Unquote((comments ? StripComment(value) : value).Trim());
            if (!fields.TryGetValue(key, out last))
                fields[key] = last = [];
            last.Add(value);
        }
        return fields;
    }

    /// <summary>Front matter allows '# comment' after a value, as YAML does (after a quoted value's closing quote); question lines keep '#' (Python has it).</summary>
    private static string StripComment(string value)
    {
        var text = value.Trim();
        if (text.StartsWith('"') && text.IndexOf('"', 1) is var close and > 0)
            return text[..(close + 1)];
        return text.IndexOf(" #", StringComparison.Ordinal) is var i and >= 0 ? text[..i] : text;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    private sealed class StepBuilder(string file, int number, string title, int line)
    {
        private readonly List<Block> _text = [];
        private string? _code, _raises;
        private LessonRequest? _request;
        private LessonQuestion? _question;

        public void Add(Block block, string markdown)
        {
            if (block is not FencedCodeBlock { Info: "python" or "question" or "request" } fenced)
            {
                if (_code is not null || _request is not null || _question is not null)
                    throw new LessonFormatException(file, block.Line + 1, $"text after step {number}'s code, request or question: a step's text comes first");
                _text.Add(block);
                return;
            }
            var body = fenced.Lines.Lines.Take(fenced.Lines.Count).Select(l => l.ToString()).ToList();
            var at = fenced.Line + 2;
            switch (fenced.Info)
            {
                case "python":
                    if (_code is not null)
                        throw new LessonFormatException(file, fenced.Line + 1, $"step {number} has a second 'python' block: one per step");
                    _code = string.Join("\n", body).TrimEnd();
                    var arguments = fenced.Arguments?.Trim() ?? "";
                    if (arguments.Length > 0)
                        _raises = arguments.StartsWith("raises=", StringComparison.Ordinal) && arguments.Length > 7 ? arguments[7..]
                            : throw new LessonFormatException(file, fenced.Line + 1, $"'python {arguments}': the only argument allowed is raises=ExceptionType");
                    break;
                case "request":
                    var request = Fields(file, at, body, RequestKeys);
                    var flags = One(request, "flags", fenced);
                    int value;
                    try { value = Core.Requests.WorkbenchRequest.ParseFlags(System.Text.Json.JsonSerializer.SerializeToElement(flags)); }
                    catch (Core.Buffers.BufferSpecException e) { throw new LessonFormatException(file, fenced.Line + 1, e.Message); }
                    _request = new LessonRequest(One(request, "target", fenced), flags, value);
                    break;
                default:
                    if (_question is not null)
                        throw new LessonFormatException(file, fenced.Line + 1, $"step {number} has a second question: one per step");
                    var q = Fields(file, at, body, QuestionKeys);
                    var choices = q.GetValueOrDefault("choice") ?? [];
                    var answer = One(q, "answer", fenced);
                    if (choices.Count == 1)
                        throw new LessonFormatException(file, fenced.Line + 1, "a question offers two choices or more, or none (the learner types the value)");
                    if (choices.Count > 0 && !choices.Any(c => LessonQuestion.Same(c, answer)))
                        throw new LessonFormatException(file, fenced.Line + 1, $"the answer '{answer}' is not one of the choices ({string.Join(" | ", choices)})");
                    _question = new LessonQuestion(One(q, "ask", fenced), choices, answer, One(q, "check", fenced), One(q, "explain", fenced));
                    break;
            }
        }

        private string One(Dictionary<string, List<string>> fields, string key, FencedCodeBlock block) =>
            fields.TryGetValue(key, out var v) && v.Count == 1 && v[0].Length > 0 ? v[0]
            : throw new LessonFormatException(file, block.Line + 1, $"the '{block.Info}' block of step {number} needs exactly one '{key}:' line");

        public LessonStep Build(string markdown)
        {
            if (_question is not null && _code is null && _request is null)
                throw new LessonFormatException(file, line, $"step {number} asks a question but runs nothing: give it a 'python' or 'request' block");
            return new LessonStep(number, title, Html(markdown, _text), _code, _raises, _request, _question);
        }
    }
}
