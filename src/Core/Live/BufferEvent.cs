using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Live;

/// <summary>
/// One change, as pushed to clients. <see cref="Exports"/> is the live count right after it.
/// <see cref="Coalesced"/> above 1 means this event stands for that many exports acquired (or
/// released) within one frame, too fast to show one by one.
/// </summary>
public sealed record BufferEvent(
    BufferEventKind Kind,
    string? SessionId,
    long? BufferId,
    int? Exports,
    ExportView? View,
    DateTimeOffset At)
{
    public int Coalesced { get; init; } = 1;
    public string? BufferName { get; init; }
    /// <summary>The export acquired or released (its id in the ledger), when it is one export.</summary>
    public long? ViewId { get; init; }
    /// <summary>For <see cref="BufferEventKind.ConsoleRan"/>: what ran and how it ended.</summary>
    public Sessions.ConsoleResult? Run { get; init; }
    /// <summary>For <see cref="BufferEventKind.ConsoleOutput"/>: what the running snippet wrote.</summary>
    public Sessions.ConsoleOutput? Output { get; init; }
    /// <summary>For <see cref="BufferEventKind.CheckProgressed"/>: the check's progress.</summary>
    public Checks.CheckProgressed? Check { get; init; }
    /// <summary>For <see cref="BufferEventKind.MemoryWritten"/>: the bytes written.</summary>
    public long? Offset { get; init; }
    public long? Length { get; init; }
    /// <summary>For <see cref="BufferEventKind.ExportRefused"/>: the request and why it was refused.</summary>
    public ExportRefusal? Refusal { get; init; }
    /// <summary>For <see cref="BufferEventKind.KernelStateChanged"/>: the session's kernel now.</summary>
    public Kernels.KernelStatus? Kernel { get; init; }
    /// <summary>
    /// For <see cref="BufferEventKind.BufferCreated"/>: the new buffer's descriptor, so a client's
    /// list needs no fetch. Told again, same id, when a MemBuf made in Python takes its name.
    /// </summary>
    public Sessions.BufferDescriptor? Buffer { get; init; }

    public static BufferEvent Created(Exporter e) =>
        new(BufferEventKind.BufferCreated, e.SessionId, e.Id, e.Exports, null, CoarseClock.Now) { BufferName = e.Name, Buffer = Sessions.BufferDescriptor.Of(e) };
}
