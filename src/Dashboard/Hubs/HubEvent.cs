using System.Text.Json;
using Bufferscope.Core.Live;
using Bufferscope.Dashboard.Api.Contracts;
using MessagePack;

namespace Bufferscope.Dashboard.Hubs;

/// <summary>
/// One change, as the Events stream sends it. kind: bufferCreated, bufferFreed, exportAcquired,
/// exportReleased, memoryWritten, consoleRan, kernelStateChanged (with kernel), consoleOutput (with output: what a
/// run still running wrote, a few times a second), checkProgressed (with check: a check's counts so far, at most ten times a second),
/// exportRefused (with refusal: a request the buffer refused, and why). bufferCreated carries the buffer's
/// descriptor, and comes again (same id) when a MemBuf made in Python takes its name. exports is the live count right after it;
/// coalesced above 1 means so many exports within one frame, too fast to send one by one.
/// </summary>
[MessagePackObject]
public sealed record HubEvent(
    [property: Key("kind")] string Kind,
    [property: Key("sessionId")] string? SessionId,
    [property: Key("bufferId")] long? BufferId,
    [property: Key("exports")] int? Exports,
    [property: Key("view")] ViewDto? View,
    [property: Key("at")] DateTimeOffset At,
    [property: Key("coalesced")] int Coalesced,
    [property: Key("bufferName")] string? BufferName,
    [property: Key("viewId")] long? ViewId,
    [property: Key("offset")] long? Offset,
    [property: Key("length")] long? Length,
    [property: Key("run")] HubRun? Run,
    [property: Key("kernel")] KernelDto? Kernel = null,
    [property: Key("buffer")] BufferDto? Buffer = null,
    [property: Key("output")] HubOutput? Output = null,
    [property: Key("check")] HubCheck? Check = null,
    [property: Key("refusal")] RefusalDto? Refusal = null)
{
    public static HubEvent From(BufferEvent e) => new(
        JsonNamingPolicy.CamelCase.ConvertName(e.Kind.ToString()), e.SessionId, e.BufferId, e.Exports,
        e.View is null ? null : ViewDto.From(e.View), e.At, e.Coalesced, e.BufferName, e.ViewId, e.Offset, e.Length,
        e.Run is null ? null : new HubRun(e.Run.Ok, e.Run.DurationMs, e.Run.TimedOut, e.Run.Error?.Type, e.Run.N),
        e.Kernel is null ? null : KernelDto.From(e.Kernel),
        e.Buffer is null ? null : BufferDto.From(e.Buffer),
        e.Output is null ? null : new HubOutput(e.Output.N, e.Output.Stream, e.Output.Text),
        e.Check is null ? null : new HubCheck(e.Check.Id, e.Check.State, e.Check.Total, e.Check.Done, e.Check.Counts, e.Check.Findings),
        e.Refusal is null ? null : RefusalDto.From(e.Refusal));
}

/// <summary>How a console run ended, for the timeline (the output itself is in the run's HTTP answer).</summary>
[MessagePackObject]
public sealed record HubRun(
    [property: Key("ok")] bool Ok,
    [property: Key("durationMs")] double DurationMs,
    [property: Key("timedOut")] bool TimedOut,
    [property: Key("errorType")] string? ErrorType,
    [property: Key("n")] long N = 0);

/// <summary>What run n (In [n]) wrote to stdout or stderr since the last consoleOutput, while it runs.</summary>
[MessagePackObject]
public sealed record HubOutput(
    [property: Key("n")] long N,
    [property: Key("stream")] string Stream,
    [property: Key("text")] string Text);

/// <summary>A check's progress: its state, cases in all and done, the count of each kind, and how many findings (GET .../checks/{id} has them).</summary>
[MessagePackObject]
public sealed record HubCheck(
    [property: Key("id")] string Id,
    [property: Key("state")] string State,
    [property: Key("total")] int Total,
    [property: Key("done")] int Done,
    [property: Key("counts")] IReadOnlyDictionary<string, int> Counts,
    [property: Key("findings")] int Findings);
