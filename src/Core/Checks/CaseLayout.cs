using System.Globalization;
using System.Text;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Checks;

/// <summary>
/// The layout of one case's buffer, as a consumer is handed it: format, shape, strides (bytes,
/// may be negative), the offset of item [0, ..., 0] in its memory, and whether it is read-only.
/// The same fields as a finding's <c>layout</c>.
/// </summary>
public sealed record CaseLayout(string Format, long[] Shape, long[] Strides, long Offset, bool Readonly)
{
    /// <summary>Validated as any buffer's layout is; throws <see cref="BufferSpecException"/> when it is not one.</summary>
    public BufferLayout ToBufferLayout() => BufferLayout.Create(StructFormat.Parse(Format), Shape, "C", Strides, Offset);

    [System.Text.Json.Serialization.JsonIgnore]
    public int Rank => Shape.Length;
    [System.Text.Json.Serialization.JsonIgnore]
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The C-contiguous layout of <paramref name="shape"/>, at offset 0.</summary>
    public static CaseLayout Contiguous(string format, long[] shape, bool fortran = false, bool readOnly = false) =>
        new(format, shape, BufferLayout.ContiguousStrides(shape, StructFormat.Parse(format).ItemSize, fortran), 0, readOnly);

    /// <summary>"C", "F" or "strided", as a buffer's descriptor says it.</summary>
    public string Order => ToBufferLayout().Order;

    /// <summary>
    /// The Python that makes this buffer: <c>bufferscope.MemBuf(shape=(2, 2), format="d", order="F")</c>,
    /// with strides and offset only when they are not C or Fortran order, and the case's bytes
    /// (<paramref name="dataHex"/>) when given.
    /// </summary>
    public string Repro(string? dataHex)
    {
        var itemSize = StructFormat.Parse(Format).ItemSize;
        var text = new StringBuilder("bufferscope.MemBuf(shape=").Append(BufferLayout.Show(Shape))
            .Append(", format=\"").Append(Format).Append('"');
        if (Offset == 0 && Strides.SequenceEqual(BufferLayout.ContiguousStrides(Shape, itemSize, false))) { }
        else if (Offset == 0 && Strides.SequenceEqual(BufferLayout.ContiguousStrides(Shape, itemSize, true)))
            text.Append(", order=\"F\"");
        else
        {
            text.Append(", strides=").Append(BufferLayout.Show(Strides));
            if (Offset != 0)
                text.Append(", offset=").Append(Offset.ToString(CultureInfo.InvariantCulture));
        }
        if (Readonly)
            text.Append(", readonly=True");
        // Zeros are what a new MemBuf holds anyway.
        if (dataHex is { Length: > 0 } && dataHex.Any(c => c != '0'))
            text.Append(", data=bytes.fromhex(\"").Append(dataHex).Append("\")");
        return text.Append(')').ToString();
    }

    public override string ToString() =>
        $"format '{Format}', shape {BufferLayout.Show(Shape)}, strides {BufferLayout.Show(Strides)}, offset {Offset}{(Readonly ? ", read-only" : "")}";

    /// <summary>Equal by value (records compare arrays by reference).</summary>
    public bool SameAs(CaseLayout other) =>
        Format == other.Format && Shape.SequenceEqual(other.Shape) && Strides.SequenceEqual(other.Strides) && Offset == other.Offset && Readonly == other.Readonly;
}
