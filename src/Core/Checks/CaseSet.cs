using Bufferscope.Core.Buffers;

namespace Bufferscope.Core.Checks;

/// <summary>
/// The layouts a consumer check hands its target: first a probe per format (which formats the
/// target accepts), then for each accepted format the fixed matrix (ranks 0-4 with zero and one
/// extents; C, Fortran, strided, negative strides, a non-zero offset; read-only and writable),
/// then random structures in the spirit of test_buffer.py's rand_structure. The same size and
/// seed give the same cases, in the same order.
/// </summary>
public static class CaseSet
{
    public const string Quick = "quick";
    public const string Standard = "standard";
    public const string Exhaustive = "exhaustive";
    public const string Allowed = "quick, standard, exhaustive";

    /// <summary>Throws <see cref="BufferSpecException"/> naming the sizes allowed.</summary>
    public static string CheckSize(string? size) => size switch
    {
        null or "" => Standard,
        Quick or Standard or Exhaustive => size,
        _ => throw new BufferSpecException("cases", $"cases '{size}' is not a case set; use one of {Allowed}"),
    };

    /// <summary>The formats probed: native codes, and standard sizes in both byte orders.</summary>
    public static IReadOnlyList<string> Formats(string size) => size switch
    {
        Quick => ["B", "b", "h", "i", "q", "f", "d", "<d", ">i", "?"],
        Standard => ["B", "b", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "e", "f", "d", "?", "c",
                     "<h", ">h", "<i", ">i", "<q", ">q", "<f", ">f", "<d", ">d", "=l", "!H"],
        _ => [.. Formats(Standard), "P", "@d", "<e", ">e", "<Q", ">Q", "<?", "=c"],
    };

    /// <summary>One small C-contiguous writable vector per format: a format the target refuses here is left out of the rest.</summary>
    public static IReadOnlyList<CaseLayout> Probes(IReadOnlyList<string> formats) =>
        [.. formats.Select(f => CaseLayout.Contiguous(f, [4]))];

    /// <summary>The fixed matrix for one format, each layout writable then read-only.</summary>
    public static IEnumerable<CaseLayout> Matrix(string format, string size)
    {
        var s = StructFormat.Parse(format).ItemSize;
        var layouts = new List<CaseLayout>
        {
            Make(format, [], []),
            Make(format, [0], [s]),
            Make(format, [1], [s]),
            Make(format, [5], [s]),
            Make(format, [5], [2 * s]),
            Make(format, [5], [-s], 4 * s),
            Make(format, [2, 3], [3 * s, s]),
            Make(format, [2, 3], [s, 2 * s]),
            Make(format, [2, 3], [12 * s, 2 * s]),
            Make(format, [2, 3], [-3 * s, s], 3 * s),
            Make(format, [2, 3, 4], [12 * s, 4 * s, s]),
            Make(format, [2, 3, 4], [s, 2 * s, 6 * s]),
            Make(format, [2, 3, 4], [48 * s, 8 * s, 2 * s]),
            Make(format, [2, 2, 2, 2], [8 * s, 4 * s, 2 * s, s]),
        };
        if (size != Quick)
        {
            layouts.AddRange(
            [
                Make(format, [5], [s], s),
                Make(format, [3], [-2 * s], 4 * s),
                Make(format, [2, 3], [-3 * s, -s], 5 * s),
                Make(format, [2, 3], [12 * s, 2 * s], 2 * s),
                Make(format, [0, 3], [3 * s, s]),
                Make(format, [3, 0], [s, s]),
                Make(format, [1, 3], [3 * s, s]),
                Make(format, [3, 1], [s, s]),
                Make(format, [1, 1], [s, s]),
                Make(format, [2, 3, 4], [12 * s, -4 * s, s], 8 * s),
                Make(format, [2, 3, 4], [4 * s, 8 * s, s]),
                Make(format, [2, 0, 4], [4 * s, 4 * s, s]),
                Make(format, [1, 3, 1], [3 * s, s, s]),
                Make(format, [2, 2, 2, 2], [s, 2 * s, 4 * s, 8 * s]),
                Make(format, [2, 2, 2, 2], [32 * s, 16 * s, 8 * s, -2 * s], 2 * s),
                Make(format, [1, 2, 1, 2], [4 * s, 2 * s, 2 * s, s]),
            ]);
        }
        if (size == Exhaustive)
        {
            layouts.AddRange(
            [
                Make(format, [5], [s], 1),                      // misaligned: PEP 3118 does not promise alignment
                Make(format, [2, 3], [3 * s, s], 3),
                Make(format, [4, 4], [4 * s + 1, s]),          // rows that do not start on an item boundary
                Make(format, [3, 3], [0, s]),                   // a zero stride: every row is the same memory
            ]);
        }
        foreach (var layout in layouts)
        {
            yield return layout;
            yield return layout with { Readonly = true };
        }
    }

    /// <summary>How many random structures a size adds.</summary>
    public static int RandomCount(string size) => size switch { Quick => 16, Standard => 200, _ => 2000 };

    /// <summary>
    /// Random structures: rank 0-4 (5 when exhaustive), extents 0-4, the dimensions laid out in a
    /// random memory order, each with a step of 1-3 items and a random sign, and sometimes an offset
    /// beyond what the negative strides need. Seeded: the same seed gives the same layouts.
    /// </summary>
    public static IEnumerable<CaseLayout> Random(IReadOnlyList<string> formats, int count, int seed, string size)
    {
        if (formats.Count == 0)
            yield break;
        var random = new Random(seed);
        var maxRank = size == Exhaustive ? 5 : 4;
        for (var made = 0; made < count; made++)
        {
            var format = formats[random.Next(formats.Count)];
            var s = StructFormat.Parse(format).ItemSize;
            var rank = random.Next(maxRank + 1);
            var shape = new long[rank];
            for (var i = 0; i < rank; i++)
                shape[i] = random.Next(10) == 0 ? 0 : random.Next(1, 5);
            var order = Enumerable.Range(0, rank).OrderBy(_ => random.Next()).ToArray();
            var strides = new long[rank];
            long step = s, offset = 0;
            foreach (var i in order)
            {
                var stride = step * (random.Next(4) switch { 0 => 2, 1 => 3, _ => 1 });
                step = stride * Math.Max(1, shape[i]);
                if (random.Next(3) == 0)
                {
                    strides[i] = -stride;
                    offset += stride * Math.Max(0, shape[i] - 1);
                }
                else
                    strides[i] = stride;
            }
            if (random.Next(4) == 0)
                offset += s * random.Next(1, 3);
            yield return Make(format, shape, strides, offset) with { Readonly = random.Next(2) == 0 };
        }
    }

    private static CaseLayout Make(string format, long[] shape, long[] strides, long offset = 0) => new(format, shape, strides, offset, false);
}
