using System.Text.Json;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Requests;

/// <summary>
/// A request to put to an exporter: a buffer of the session (<see cref="BufferId"/>) or any
/// expression in it, and the flags, as a number (0x11c) or by name ("PyBUF_FULL_RO",
/// "PyBUF_ND | PyBUF_FORMAT"; the PyBUF_ prefix may be left out).
/// </summary>
public sealed class WorkbenchRequest
{
    private const int KnownBits = 0x1 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100;

    public long? BufferId { get; set; }
    public string? Expression { get; set; }
    public JsonElement Flags { get; set; }

    /// <summary>The request checked: exactly one exporter named, and flags PEP 3118 defines; or <see cref="BufferSpecException"/> naming what is wrong and what is allowed.</summary>
    public (long? BufferId, string? Expression, int Flags) Validated(int maxExpressionLength)
    {
        var expression = string.IsNullOrWhiteSpace(Expression) ? null : Expression;
        if (BufferId is null == expression is null)
            throw new BufferSpecException(BufferId is null ? "expression" : "bufferId",
                "name exactly one exporter: \"bufferId\" (a buffer of this session) or \"expression\" (any expression in the session, e.g. \"np.arange(6.0)\")");
        if (expression is { Length: var length } && length > maxExpressionLength)
            throw new BufferSpecException("expression", $"expression is {length} characters; at most {maxExpressionLength} are allowed");
        return (BufferId, expression, ParseFlags(Flags));
    }

    /// <summary>Flags from a number or names joined by '|'.</summary>
    public static int ParseFlags(JsonElement flags)
    {
        const string Allowed = "a number (e.g. 284 or \"0x11c\") or names joined by '|': PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES, " +
            "PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT, and the composites PyBUF_CONTIG(_RO), PyBUF_STRIDED(_RO), PyBUF_RECORDS(_RO), PyBUF_FULL(_RO)";
        int value;
        switch (flags.ValueKind)
        {
            case JsonValueKind.Number when flags.TryGetInt32(out value):
                break;
            case JsonValueKind.String:
                value = 0;
                foreach (var raw in flags.GetString()!.Split('|', StringSplitOptions.TrimEntries))
                {
                    if (raw.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                        && int.TryParse(raw.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out var hex))
                        value |= hex;
                    else if (int.TryParse(raw, out var number))
                        value |= number;
                    else if (Enum.TryParse<RequestFlags>(raw.StartsWith("PyBUF_", StringComparison.Ordinal) ? raw : $"PyBUF_{raw}", ignoreCase: false, out var named)
                        && Enum.IsDefined(named))
                        value |= (int)named;
                    else
                        throw new BufferSpecException("flags", $"'{raw}' is not a request flag; give {Allowed}");
                }
                break;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw new BufferSpecException("flags", $"flags are missing; give {Allowed}");
            default:
                throw new BufferSpecException("flags", $"flags {flags.GetRawText()} is not a request; give {Allowed}");
        }
        if (value < 0 || (value & ~KnownBits) != 0)
            throw new BufferSpecException("flags", $"flags 0x{value:x} has bits PEP 3118 does not define (0x{value & ~KnownBits:x}); give {Allowed}");
        return value;
    }
}
