using System.Globalization;
using System.Text.RegularExpressions;
using Bufferscope.Core;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The create-buffer form's state and its validation. The checks are Core's own (format, layout,
/// fill), run here before sending, so the form says what the API would say, beside the field it
/// is about. The server still decides: what it refuses anyway (a name already bound, the total
/// budget) comes back as its own message.
/// </summary>
public sealed partial class BufferForm
{
    public string Name { get; set; } = "frame";
    /// <summary>The byte-order prefix, "" for none (the format is then just the code, as numpy writes it).</summary>
    public string ByteOrder { get; set; } = "";
    public char Code { get; set; } = 'B';
    public string Shape { get; set; } = "16, 16";
    /// <summary>C, F, or "strides" to give them explicitly.</summary>
    public string Order { get; set; } = "C";
    public string Strides { get; set; } = "";
    public long Offset { get; set; }
    public bool ReadOnly { get; set; }
    public string FillKind { get; set; } = "zeros";
    public long Seed { get; set; } = 1;
    public string Pattern { get; set; } = "00ff";
    public string Bytes { get; set; } = "";
    /// <summary>
    /// native, managed, mmap or shm. Choosing a file or a segment sets the fill back to keep: a
    /// fill picked for fresh memory (ramp, random...) must not carry over onto someone's data.
    /// </summary>
    public string SourceKind
    {
        get => _sourceKind;
        set
        {
            if (value == _sourceKind)
                return;
            if (value is "mmap" or "shm")
                FillKind = "keep";
            else if (FillKind == "keep")
                FillKind = "zeros";
            _sourceKind = value;
        }
    }
    private string _sourceKind = "native";
    public string Path { get; set; } = "";
    public string SegmentName { get; set; } = "";
    /// <summary>shm: make the segment (it must not exist) instead of attaching one that does.</summary>
    public bool CreateSegment { get; set; }

    /// <summary>True when the memory may already hold someone's data: a file, or a segment attached.</summary>
    public bool Attaches => SourceKind == "mmap" || (SourceKind == "shm" && !CreateSegment);

    /// <summary>What a fill other than keep would destroy, when the memory is attached; null when nothing.</summary>
    public string? FillWarning => !Attaches || FillKind == "keep" ? null : SourceKind == "shm"
        ? $"fill '{FillKind}' overwrites segment '{SegmentName}': whatever another process keeps in it is lost. Choose keep to see it as it is."
        : $"fill '{FillKind}' overwrites the file '{Path}' if it exists: its contents are lost. Choose keep to see it as it is.";

    public string Format => ByteOrder + Code;

    /// <summary>Field name (as the API names it: name, format, shape, strides...) to message.</summary>
    public Dictionary<string, string> Errors { get; } = [];

    public static readonly string[] FillKinds = ["zeros", "ramp", "random", "pattern", "bytes", "keep"];
    public static readonly string[] SourceKinds = ["native", "managed", "mmap", "shm"];

    /// <summary>Python's keywords (keyword.kwlist, 3.11): not names a buffer can be bound to.</summary>
    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex AsciiIdentifier();

    /// <summary>Checks every field; returns the spec to send, or null with <see cref="Errors"/> filled.</summary>
    public BufferSpec? Validate(LimitOptions? limits = null)
    {
        Errors.Clear();
        // Non-ASCII identifiers are valid Python; the server has the last word on them.
        if (string.IsNullOrWhiteSpace(Name) || Keywords.Contains(Name) || (Name.All(char.IsAscii) && !AsciiIdentifier().IsMatch(Name)))
            Errors["name"] = $"'{Name}' must be a Python identifier (letters, digits, _; not starting with a digit; not a keyword), e.g. frame";

        StructFormat? format = null;
        try { format = StructFormat.Parse(Format); }
        catch (BufferSpecException e) { Errors["format"] = e.Detail; }

        var shape = ParseList(Shape, "shape");
        // A field the form hides does not apply: strides and the offset are shown (and count) with
        // explicit strides only, so an offset typed there and then hidden by choosing C or Fortran
        // order cannot shift this buffer or a later one.
        var explicitStrides = Order == "strides";
        long[]? strides = explicitStrides ? ParseList(Strides, "strides") : null;
        var offset = explicitStrides ? Offset : 0;
        if (Order == "strides" && strides is null && !Errors.ContainsKey("strides"))
            Errors["strides"] = "give one stride in bytes per dimension, e.g. 8, 1";

        BufferLayout? layout = null;
        if (format is not null && shape is not null && (Order != "strides" || strides is not null))
        {
            try { layout = BufferLayout.Create(format, shape, explicitStrides ? null : Order, strides, offset); }
            catch (BufferSpecException e) { Errors[FieldOf(e.ParamName)] = e.Detail; }
        }
        if (layout is not null && limits is not null && layout.RequiredBytes > limits.MaxBufferBytes)
            Errors["shape"] = $"this layout needs {ShowSize(layout.RequiredBytes)}; at most {ShowSize(limits.MaxBufferBytes)} per buffer are allowed (Bufferscope:Limits:MaxBufferBytes)";

        var fill = new FillSpec
        {
            Kind = FillKind,
            Seed = FillKind == "random" ? Seed : null,
            Pattern = FillKind == "pattern" ? Pattern : null,
            Bytes = FillKind == "bytes" ? Bytes : null,
        };
        try { Fill.Validate(fill); }
        catch (BufferSpecException e) { Errors[FieldOf(e.ParamName)] = e.Detail; }
        if (FillKind == "bytes" && layout is not null && !Errors.ContainsKey("fill.bytes") && Bytes.Length / 2 < layout.RequiredBytes)
            Errors["fill.bytes"] = $"{Plural.Count(Bytes.Length / 2, "byte")} given; this layout needs at least {layout.RequiredBytes}";

        if (SourceKind == "mmap" && string.IsNullOrWhiteSpace(Path))
            Errors["source.path"] = "source 'mmap' needs a file path, e.g. /tmp/frame.bin";
        if (SourceKind == "shm" && string.IsNullOrWhiteSpace(SegmentName))
            Errors["source.name"] = "source 'shm' needs a segment name, e.g. frame (it lives in /dev/shm)";

        if (Errors.Count > 0)
            return null;
        return new BufferSpec
        {
            Name = Name,
            Format = Format,
            Shape = shape,
            Order = Order == "strides" ? "C" : Order,
            Strides = strides,
            Offset = offset,
            Readonly = ReadOnly,
            Fill = fill,
            Source = new SourceSpec
            {
                Kind = SourceKind,
                Path = SourceKind == "mmap" ? Path : null,
                Name = SourceKind == "shm" ? SegmentName : null,
                Create = SourceKind == "shm" && CreateSegment,
            },
        };
    }

    public string? ErrorOf(string field) => Errors.GetValueOrDefault(field);

    private long[]? ParseList(string text, string field)
    {
        var parts = text.Split([',', ' ', '(', ')', '[', ']', 'x', '×'], StringSplitOptions.RemoveEmptyEntries);
        var values = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
            {
                Errors[field] = $"'{parts[i]}' is not a whole number; give the {field} as numbers separated by commas, e.g. 480, 640" + (field == "shape" ? " (empty for a single item)" : "");
                return null;
            }
        }
        return values;
    }

    // Core names the parameter "shape", "strides", "offset", "fill.pattern"...: the form uses the same names.
    private static string FieldOf(string? parameter) => parameter switch
    {
        null or "" => "shape",
        "order" => "order",
        _ => parameter,
    };

    private static string ShowSize(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{n / 1024.0:0.##} KiB",
        _ => Plural.Count(n, "byte"),
    };
}
