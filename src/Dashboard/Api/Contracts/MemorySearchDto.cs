namespace Bufferscope.Dashboard.Api.Contracts;

/// <summary>
/// A search of a buffer's whole allocation: the match's offset (null when the bytes occur
/// nowhere), whether it was found only by wrapping to the start, and how many bytes were searched.
/// </summary>
public sealed record MemorySearchDto(long? Offset, bool Wrapped, long Searched);
