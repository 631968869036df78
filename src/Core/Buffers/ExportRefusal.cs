namespace Bufferscope.Core.Buffers;

/// <summary>
/// A request the exporter refused, as the ledger keeps it: the flags asked for, the request's
/// usual name, the reason the consumer was given (its BufferError's message), where in Python it
/// was asked ("In [3], line 2"; empty when no Python frame asked), and when.
/// </summary>
public sealed record ExportRefusal(int Flags, string FlagNames, string Reason, string Origin, DateTimeOffset At);
