using System.Text.RegularExpressions;

namespace Bufferscope.Core.Buffers.Memory;

/// <summary>
/// POSIX shared memory by name. On Linux shm_open(name) is the file /dev/shm/name, so this maps
/// that file: the same segment <c>multiprocessing.shared_memory.SharedMemory(name)</c> uses in
/// another process, which we can then watch. A segment we create is unlinked when freed; one we
/// attached belongs to its creator and is left in place.
/// </summary>
public sealed partial class SharedMemorySource(string name, long required)
    : MappedFileMemorySource(PathOf(name), required, "name")
{
    public const string Directory = "/dev/shm";

    public override string Kind => "shm";
    public override string? Location => SegmentName(name);

    public static string SegmentName(string name) => name.TrimStart('/');

    private static string PathOf(string name)
    {
        var segment = SegmentName(name ?? "");
        if (!ValidName().IsMatch(segment))
            throw new BufferSpecException("name", $"shared memory name '{name}' is not allowed: use 1 to 200 characters from A-Z a-z 0-9 _ . - (an optional leading '/' is dropped)");
        return Path.Combine(Directory, segment);
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$")]
    private static partial Regex ValidName();
}
