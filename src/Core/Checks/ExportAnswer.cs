namespace Bufferscope.Core.Checks;

/// <summary>
/// What an exporter answered one request with, field by field as the <c>Py_buffer</c> held them
/// (null where the field was NULL), or the error it raised; and whether it released what it took.
/// </summary>
public sealed record ExportAnswer(
    int Flags,
    bool Ok,
    string? ErrorType,
    string? ErrorMessage,
    bool ObjSetOnFailure,
    long Buf,
    long Len,
    long ItemSize,
    bool ReadOnly,
    int NDim,
    string? Format,
    long[]? Shape,
    long[]? Strides,
    long[]? Suboffsets,
    bool ObjIsExporter,
    long RefcountChange,
    long ViewObjRefcountChange);
