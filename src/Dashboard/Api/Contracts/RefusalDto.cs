using Bufferscope.Core.Buffers;
using MessagePack;

namespace Bufferscope.Dashboard.Api.Contracts;

/// <summary>A request the buffer refused: its flags, the request's usual name, the reason the consumer was given, the Python line that asked, when.</summary>
[MessagePackObject]
public sealed record RefusalDto(
    [property: Key("flags")] int Flags,
    [property: Key("flagNames")] string FlagNames,
    [property: Key("reason")] string Reason,
    [property: Key("origin")] string Origin,
    [property: Key("at")] DateTimeOffset At)
{
    public static RefusalDto From(ExportRefusal r) => new(r.Flags, r.FlagNames, r.Reason, r.Origin, r.At);
}
