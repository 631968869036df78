using System.Globalization;
using Bufferscope.Core.Requests;

namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// A field of a workbench answer, as a request step's question names it and as a C programmer
/// would read it: <c>outcome</c> (answered or refused), <c>agrees</c> (yes, no or none),
/// <c>error.type</c>, <c>view.ndim</c>, <c>view.shape</c>..., and <c>reference.</c> the same for
/// _testbuffer's answer. NULL for a pointer left NULL, arrays as Python tuples ("(24, 8)").
/// </summary>
public static class RequestAnswerField
{
    public static readonly IReadOnlyList<string> ViewFields = ["len", "itemsize", "readonly", "ndim", "format", "shape", "strides", "suboffsets"];

    /// <summary>The field's text; an <see cref="ArgumentException"/> naming the fields there are for any other name.</summary>
    public static string Read(RequestAnswer answer, string path)
    {
        switch (path)
        {
            case "outcome": return answer.Ok ? "answered" : "refused";
            case "agrees": return answer.AgreesWithReference switch { true => "yes", false => "no", null => "none" };
            case "error.type": return answer.Error?.Type ?? "None";
            case "error.message": return answer.Error?.Message ?? "None";
            case "reference.outcome": return answer.Reference.Unavailable is not null ? "none" : answer.Reference.Ok ? "answered" : "refused";
        }
        if (path.StartsWith("view.", StringComparison.Ordinal) && ViewFields.Contains(path[5..]))
            return Field(answer.View, path[5..]);
        if (path.StartsWith("reference.view.", StringComparison.Ordinal) && ViewFields.Contains(path[15..]))
            return Field(answer.Reference.View, path[15..]);
        throw new ArgumentException($"'{path}' is not a field of a request's answer; there are outcome, agrees, error.type, error.message, "
            + $"view.{{{string.Join(",", ViewFields)}}}, reference.outcome and reference.view.{{...}}", nameof(path));
    }

    /// <summary>A refused request has no view: every field reads "(refused)".</summary>
    private static string Field(RequestView? view, string name) => view is null ? "(refused)" : name switch
    {
        "len" => view.Len.ToString(CultureInfo.InvariantCulture),
        "itemsize" => view.Itemsize.ToString(CultureInfo.InvariantCulture),
        "readonly" => view.Readonly ? "1" : "0",
        "ndim" => view.Ndim.ToString(CultureInfo.InvariantCulture),
        "format" => view.Format ?? "NULL",
        "shape" => Tuple(view.Shape),
        "strides" => Tuple(view.Strides),
        _ => Tuple(view.Suboffsets),
    };

    private static string Tuple(long[]? values) => values switch
    {
        null => "NULL",
        [var one] => $"({one},)",
        _ => $"({string.Join(", ", values)})",
    };
}
