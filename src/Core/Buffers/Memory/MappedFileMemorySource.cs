using System.IO.MemoryMappedFiles;

namespace Bufferscope.Core.Buffers.Memory;

/// <summary>
/// A file mapped shared into memory: writes reach the file, and other processes mapping it see
/// them (and we see theirs). An existing file is attached as it is and must already be large
/// enough (we never grow a user's file); a missing one is created with the size the layout needs.
/// A file made here is removed when freed (or when <paramref name="owned"/>: made by this
/// session's kernel before a restart); one attached is left to whoever made it.
/// </summary>
public unsafe class MappedFileMemorySource : MemorySource
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly string _path;
    private readonly bool _owned;

    /// <param name="mode">Open (the file must exist), CreateNew (it must not), or null: whichever it needs.</param>
    public MappedFileMemorySource(string path, long required, string parameter = "path", FileMode? mode = null, bool owned = false)
    {
        _path = path;
        _owned = owned;
        // The mode, not the File.Exists look, decides: a file made or removed in between fails the open instead of being made or clobbered.
        var open = mode ?? (File.Exists(path) ? FileMode.Open : FileMode.CreateNew);
        var existed = open == FileMode.Open;
        long length;
        FileStream stream;
        try
        {
            stream = new FileStream(path, open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new BufferSpecException(parameter, $"cannot open '{path}' for mapping: {e.Message}");
        }
        try
        {
            if (existed)
            {
                length = stream.Length;
                if (length < required)
                    throw new BufferSpecException(parameter, $"'{path}' is {Plural.Count(length, "byte")} but the layout needs {required}; give a smaller shape or a larger file");
            }
            else
            {
                length = required;
                stream.SetLength(Math.Max(length, 1));
            }
            Created = !existed;
            // An empty file cannot be mapped; a 1-byte file stands in for an empty buffer.
            _file = MemoryMappedFile.CreateFromFile(stream, null, Math.Max(length, 1), MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            _view = _file.CreateViewAccessor(0, Math.Max(length, 1), MemoryMappedFileAccess.ReadWrite);
        }
        catch
        {
            stream.Dispose();
            if (!existed) TryDelete(path);
            throw;
        }
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        Address = (nint)(p + _view.PointerOffset);
        Length = length;
    }

    /// <summary>True when this source made the file.</summary>
    public bool Created { get; }

    /// <summary>A file made here is all holes: zero, and untouched until written.</summary>
    public override bool StartsZeroed => Created;

    /// <summary>Whether freeing removes the file: when this source, or this session's kernel before a restart, made it.</summary>
    public override bool RemovedWhenFreed => Created || _owned;

    public override string Kind => "mmap";
    public override string? Location => _path;
    public override bool ChangesFromOutside => true;
    public override bool DiesWithProcess => false; // a file: the server maps it too, and a new kernel attaches it

    protected override void Free()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
        if (RemovedWhenFreed)
            TryDelete(_path);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
