using Markdig;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The repository's README, as HTML for the dashboard's /readme page: read from next to the
/// server's binaries (the build copies it there) and rendered once. Raw HTML in it is shown as
/// text, not passed through: the page renders this as markup.
/// </summary>
public sealed class ReadmeDocument
{
    public const string FileName = "README.md";
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().UseAutoIdentifiers().DisableHtml().Build();
    private readonly Lazy<string?> _html;

    public ReadmeDocument(string directory) =>
        _html = new Lazy<string?>(() => Path.Combine(directory, FileName) is var path && File.Exists(path) ? Markdown.ToHtml(File.ReadAllText(path), Pipeline) : null);

    /// <summary>The README as HTML, or null when the build did not put it beside the binaries.</summary>
    public string? Html => _html.Value;
}
