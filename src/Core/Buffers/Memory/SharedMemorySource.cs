using System.Text.RegularExpressions;

namespace Bufferscope.Core.Buffers.Memory;

/// <summary>
/// POSIX shared memory by name. On Linux shm_open(name) is the file /dev/shm/name, so this maps
/// that file: the same segment <c>multiprocessing.shared_memory.SharedMemory(name)</c> uses in
/// another process, which we can then watch.
///
/// Attaching and making are two requests, as in <c>SharedMemory(name, create=...)</c>: without
/// <c>create</c> the segment must exist (a mistyped name is refused, naming the segments there
/// are, instead of silently making an empty one); with it, it must not (so a fill never lands on
/// someone's segment by accident). A segment made here is unlinked when freed; one attached
/// belongs to its creator and is left in place.
/// </summary>
public sealed partial class SharedMemorySource(string name, long required, bool create, bool owned = false)
    : MappedFileMemorySource(PathOf(name, create, owned), required, "name", create && !owned ? FileMode.CreateNew : FileMode.Open, owned)
{
    public const string Directory = "/dev/shm";
    /// <summary>How many existing segments a refusal names.</summary>
    private const int Suggestions = 10;

    public override string Kind => "shm";
    public override string? Location => SegmentName(name);

    public static string SegmentName(string name) => name.TrimStart('/');

    private static string PathOf(string name, bool create, bool owned)
    {
        var segment = SegmentName(name ?? "");
        if (!ValidName().IsMatch(segment))
            throw new BufferSpecException("name", $"shared memory name '{name}' is not allowed: use 1 to 200 characters from A-Z a-z 0-9 _ . - (an optional leading '/' is dropped)");
        var path = Path.Combine(Directory, segment);
        var exists = File.Exists(path);
        if (!exists && (!create || owned))
            throw new BufferSpecException("name", $"no shared memory segment '{segment}'; existing: {Existing(segment)}. " +
                "To make a new one, ask for it: \"create\": true in the source (MemBuf(..., create=True) in Python)");
        if (exists && create && !owned)
            throw new BufferSpecException("name", $"shared memory segment '{segment}' already exists ({new FileInfo(path).Length} bytes); " +
                "leave out create to attach it as it is, or pick another name");
        return path;
    }

    /// <summary>
    /// The segments in /dev/shm a mistyped name most likely meant: regular files with a segment
    /// name (not POSIX semaphores, "sem.*", nor folders such as Bufferscope's own memory
    /// directory), closest spelling first.
    /// </summary>
    private static string Existing(string wanted)
    {
        string[] names;
        try
        {
            names = [.. new DirectoryInfo(Directory).EnumerateFiles()
                .Select(f => f.Name)
                .Where(n => ValidName().IsMatch(n) && !n.StartsWith("sem.", StringComparison.Ordinal))];
        }
        catch (IOException) { return "none readable"; }
        catch (UnauthorizedAccessException) { return "none readable"; }
        if (names.Length == 0)
            return "none";
        var closest = names.OrderBy(n => Distance(n, wanted)).ThenBy(n => n, StringComparer.Ordinal).Take(Suggestions).Select(n => $"'{n}'");
        return string.Join(", ", closest) + (names.Length > Suggestions ? $" and {names.Length - Suggestions} more" : "");
    }

    /// <summary>Levenshtein distance, for ordering suggestions only.</summary>
    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            row[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$")]
    private static partial Regex ValidName();
}
