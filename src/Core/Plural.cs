namespace Bufferscope.Core;

/// <summary>
/// A count with its noun, the one way every message here says a number of things: singular for
/// exactly one ("1 entry", "1 live export"), plural otherwise ("0 buffers", "2 entries").
/// </summary>
public static class Plural
{
    /// <summary><paramref name="n"/> and <paramref name="one"/>, or <paramref name="many"/> (default: <paramref name="one"/> + "s") unless n is 1.</summary>
    public static string Count(long n, string one, string? many = null) =>
        $"{n} {(n == 1 ? one : many ?? one + "s")}";
}
