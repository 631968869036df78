namespace Bufferscope.Core.Checks;

/// <summary>
/// One thing a check found, shrunk: its kind, the smallest layout that still fails that way, the
/// request flags (exporter checks), a one-line reproduction, what was expected and what came, why,
/// and how many failing cases shrank to it.
/// </summary>
public sealed record Finding(
    string Kind,
    CaseLayout Layout,
    string? Flags,
    string Repro,
    string? Expected,
    string? Got,
    string? Detail)
{
    /// <summary>Failing cases this finding stands for: those that shrank to it, and, past the shrinks a kind gets, the later ones of its kind.</summary>
    public int Cases { get; init; } = 1;
    /// <summary>The case first found failing, before shrinking.</summary>
    public CaseLayout? Original { get; init; }
    /// <summary>
    /// The case's bytes as hex, exactly the layout's allocation (guards left out): what makes this
    /// case as a real buffer, e.g. <c>POST .../buffers</c> with <c>fill: { kind: "bytes", bytes }</c>.
    /// </summary>
    public string? Data { get; init; }
    /// <summary>The layout drawn as its elements over its bytes (<see cref="LayoutDrawing"/>).</summary>
    public string? Drawing { get; init; }
    /// <summary>What faulthandler wrote, for a crash.</summary>
    public string? Traceback { get; init; }
    public double ShrinkMs { get; init; }
}
