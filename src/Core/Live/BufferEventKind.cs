namespace Bufferscope.Core.Live;

/// <summary>What happened. Names as the hub sends them: bufferCreated, exportAcquired...</summary>
public enum BufferEventKind
{
    BufferCreated,
    BufferFreed,
    ExportAcquired,
    ExportReleased,
    MemoryWritten,
    ConsoleRan,
    KernelStateChanged,
    /// <summary>Output of a run still running (<see cref="BufferEvent.Output"/>).</summary>
    ConsoleOutput,
    /// <summary>A check on the session went on or ended (<see cref="BufferEvent.Check"/>).</summary>
    CheckProgressed,
    /// <summary>A request the buffer refused (<see cref="BufferEvent.Refusal"/>): the ledger keeps it.</summary>
    ExportRefused,
}
