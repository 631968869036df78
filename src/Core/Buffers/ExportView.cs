namespace Bufferscope.Core.Buffers;

/// <summary>A live export as clients see it: the request, what it was handed, when, and who asked.</summary>
public sealed record ExportView(
    long Id,
    int Flags,
    IReadOnlyList<string> FlagNames,
    bool ReadOnly,
    string? Format,
    int NDim,
    long[]? Shape,
    long[]? Strides,
    DateTimeOffset AcquiredAt,
    string Origin)
{
    public static ExportView From(ExportEntry entry, Exporter exporter)
    {
        var fields = BufferRequest.Decide(exporter.Layout, exporter.ReadOnly, entry.Flags);
        return new ExportView(entry.Id, entry.Flags, RequestFlagNames.Decompose(entry.Flags), fields.ReadOnly,
            fields.Format, fields.NDim, fields.Shape, fields.Strides, entry.AcquiredAt, entry.Origin.ToString());
    }
}
