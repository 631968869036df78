namespace Bufferscope.Dashboard.Api.Contracts;

/// <summary>
/// POST /api/sessions/{sid}/request as the dashboard sends it: exactly one of a buffer of the
/// session or an expression in it, and the flags as bits. Core's <c>WorkbenchRequest</c> takes
/// the flags as any JSON (a number or names); the dashboard always knows the number.
/// </summary>
public sealed record WorkbenchRequestDto(long? BufferId, string? Expression, int Flags);
