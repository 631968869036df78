using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Bufferscope.Core.Buffers.Memory;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// A MemBuf: memory + layout + export ledger, exported to Python through <see cref="ExporterType"/>.
///
/// Lifetime rules:
/// - The Python object owns the exporter. Every export holds a reference to that object
///   (<c>view->obj</c>), so Python cannot deallocate it while a view is alive, and the memory
///   lives at least as long as the last view.
/// - <see cref="Free"/> (from Python's free(), the API, or deallocation) refuses while any export
///   is live and changes nothing then; otherwise the memory is released exactly once and any later
///   request gets BufferError.
/// - .NET reads and writes (<see cref="Read"/>, <see cref="Write"/>) hold <c>_memoryLock</c>, which
///   <see cref="Free"/> also takes, so a request thread never touches freed memory.
/// Exports and frees happen with the GIL held, so they are serialised against each other.
/// </summary>
public sealed unsafe class Exporter : Live.IWatchedBuffer
{
    private static long s_nextId;

    /// <summary>
    /// Added to every id this process hands out: each kernel gets its own range from the server,
    /// so a buffer's id names it across all sessions. Set once, before the first exporter.
    /// </summary>
    internal static long IdBase { get; set; }

    private readonly Lock _memoryLock = new();
    private readonly Action<Exporter> _onFreed;
    private readonly MemoryBudget _budget;
    private readonly long _reserved;
    private volatile bool _freed;

    // The view fields, built once: an export copies them, it allocates and computes nothing.
    private readonly nint _viewBuf;
    private readonly nint _len;
    private readonly nint _itemSize;
    private readonly int _rank;
    private readonly int _readOnly;
    private readonly byte* _layoutBlock;
    private readonly byte* _format;
    // A scalar (ndim 0) must have NULL shape and strides (C API docs, Py_buffer.shape): consumers
    // such as _testbuffer compute shape[ndim - 1] otherwise, which writes before their array.
    private readonly nint* _shape;
    private readonly nint* _strides;
    // The last flags honoured: whether a request is refused depends on nothing else that can
    // change, so a consumer that asks alike each time skips the checks. Out of int's range until then.
    private long _honouredFlags = long.MinValue;

    public long Id { get; }
    /// <summary>Given at creation, else the name it is first bound to in its session, else buffer&lt;id&gt;.</summary>
    public string Name { get; internal set; }
    /// <summary>False while the name is the placeholder buffer&lt;id&gt;.</summary>
    public bool HasName { get; internal set; }
    public string? SessionId { get; }
    public BufferLayout Layout { get; }
    public bool ReadOnly { get; }
    public MemorySource Memory { get; }
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public ExportLedger Ledger { get; } = new();
    public int Exports => Ledger.Live;
    public bool IsFreed => _freed;
    /// <summary>Start of the allocation.</summary>
    public nint Address => Memory.Address;
    public long Length => Memory.Length;
    public bool ChangesFromOutside => Memory.ChangesFromOutside;

    ValueTask Live.IWatchedBuffer.ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        Read(offset, destination.Span);
        return ValueTask.CompletedTask;
    }
    ValueTask<Live.Picture> Live.IWatchedBuffer.PictureAsync(int width, int height, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Picture(width, height));

    /// <summary>Address of item [0, ..., 0], what <c>Py_buffer.buf</c> is.</summary>
    public nint ItemAddress => _viewBuf;

    /// <summary>The Python object, borrowed; 0 once Python has deallocated it. GIL only.</summary>
    internal nint PythonObject { get; set; }

    /// <summary>Pulsed on the first export change of each feed frame and on every server write: memory watches wait on it.</summary>
    public Live.ActivitySignal Activity { get; } = new();

    /// <summary>Counts server-side writes, so a watch knows the memory changed without an export.</summary>
    public long WriteVersion => Volatile.Read(ref _writeVersion);
    private long _writeVersion;

    /// <summary>Set by the live feed while this exporter has changes it has not collected yet.</summary>
    internal int Enlisted;
    internal Action<Exporter>? Changed;

    internal Exporter(string? name, string? sessionId, BufferLayout layout, bool readOnly, MemorySource memory,
        MemoryBudget budget, long reserved, Action<Exporter> onFreed)
    {
        var ordinal = Interlocked.Increment(ref s_nextId);
        Id = IdBase + ordinal;
        HasName = !string.IsNullOrEmpty(name);
        Name = HasName ? name! : $"buffer{ordinal}";
        SessionId = sessionId;
        Layout = layout;
        ReadOnly = readOnly;
        Memory = memory;
        _budget = budget;
        _reserved = reserved;
        _onFreed = onFreed;
        _viewBuf = memory.Address + (nint)layout.Offset;
        _len = (nint)layout.NBytes;
        _itemSize = layout.ItemSize;
        _rank = layout.Rank;
        _readOnly = readOnly ? 1 : 0;

        var format = Encoding.ASCII.GetBytes(layout.Format.Text);
        var rank = layout.Rank;
        _layoutBlock = (byte*)NativeMemory.Alloc((nuint)(2 * rank * sizeof(nint) + format.Length + 1));
        var shape = (nint*)_layoutBlock;
        var strides = shape + rank;
        for (var i = 0; i < rank; i++)
        {
            shape[i] = (nint)layout.Shape[i];
            strides[i] = (nint)layout.Strides[i];
        }
        _format = (byte*)(strides + rank);
        format.CopyTo(new Span<byte>(_format, format.Length));
        _format[format.Length] = 0;
        _shape = rank == 0 ? null : shape;
        _strides = rank == 0 ? null : strides;
    }

    /// <summary>
    /// Answers a buffer request (GIL held): fills <paramref name="view"/> and records the export,
    /// or returns why it is refused and leaves the ledger as it was.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the bf_getbuffer slot: one call less per export
    internal string? Export(nint self, Py_buffer* view, int flags)
    {
        if (_freed)
            return Refuse(flags, $"MemBuf '{Name}' was freed; its memory can no longer be exported");
        if (flags != _honouredFlags)
        {
            var refusal = BufferRequest.Refusal(flags, ReadOnly, Layout.IsCContiguous, Layout.IsFContiguous);
            if (refusal is not null)
                return Refuse(flags, refusal);
            _honouredFlags = flags;
        }

        var shape = BufferRequest.WantsShape(flags);
        view->buf = _viewBuf;
        view->len = _len;
        view->itemsize = _itemSize;
        view->@readonly = _readOnly;
        view->ndim = shape ? _rank : 1;
        view->format = BufferRequest.WantsFormat(flags) ? _format : null;
        view->shape = shape ? _shape : null;
        view->strides = BufferRequest.WantsStrides(flags) ? _strides : null;
        view->suboffsets = null;
        var firstInFrame = IsFirstChangeInFrame;
        if (firstInFrame)
            CoarseClock.Refresh(); // stamp the first export of a frame with a fresh time
        view->@internal = ExportParts.Ledger
            ? Ledger.Acquire(flags, ExportParts.Origin ? ExportOrigins.Current() : ExportOrigins.NoFrame, (nint)view)
            : -1;
        // Py_INCREF(self), inlined: a MemBuf is never immortal (3.12+) and 3.11-3.13 default
        // builds keep ob_refcnt as a plain count at offset 0, so this is what the macro does,
        // without a native call on every export.
        (*(nint*)self)++;
        view->obj = self;
        if (firstInFrame)
            Enlist();
        return null;
    }

    /// <summary>The most refusals kept per buffer: the newest.</summary>
    public const int KeptRefusals = 100;
    private readonly Queue<ExportRefusal> _refusals = new();
    private long _refusedCount;

    /// <summary>Requests refused so far, all told (the list keeps the newest <see cref="KeptRefusals"/>).</summary>
    public long RefusedCount => Interlocked.Read(ref _refusedCount);

    /// <summary>The newest refusals, oldest first. Any thread.</summary>
    public IReadOnlyList<ExportRefusal> Refusals()
    {
        lock (_refusals)
            return [.. _refusals];
    }

    /// <summary>Records a refusal in the ledger, for the views panel and the timeline, and tells the feed (GIL held).</summary>
    private string Refuse(int flags, string reason)
    {
        var origin = ExportParts.Origin ? ExportOrigins.Get(ExportOrigins.Current()).ToString() : "";
        var refusal = new ExportRefusal(flags, RequestFlagNames.Describe(flags), reason, origin, DateTimeOffset.UtcNow);
        lock (_refusals)
        {
            if (_refusals.Count == KeptRefusals)
                _refusals.Dequeue();
            _refusals.Enqueue(refusal);
            Interlocked.Increment(ref _refusedCount);
        }
        if (IsFirstChangeInFrame)
            Enlist();
        return reason;
    }

    /// <summary>Ends an export (GIL held).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Release(Py_buffer* view)
    {
        if (Ledger.Release(view->@internal) && IsFirstChangeInFrame)
            Enlist();
    }

    // The live feed collects an exporter once per frame: only its first change in a frame tells
    // the feed; later ones find Enlisted set and cost a read.
    private bool IsFirstChangeInFrame
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Enlisted == 0 && ExportParts.Feed && Changed is not null;
    }

    private void Enlist()
    {
        Enlisted = 1;
        Changed!(this);
        Activity.Pulse();
    }

    /// <summary>The live exports, as clients see them. Any thread.</summary>
    public IReadOnlyList<ExportView> Views() => [.. Ledger.Snapshot().Live.Select(e => ExportView.From(e, this))];

    /// <summary>
    /// Releases the memory if no export is live; throws <see cref="BufferLifetimeException"/>
    /// naming the count otherwise, changing nothing. Freeing twice does nothing. GIL held.
    /// </summary>
    public void Free()
    {
        if (_freed)
            return;
        var live = Ledger.Live;
        if (live > 0)
            throw new BufferLifetimeException(
                $"cannot free MemBuf '{Name}': {Plural.Count(live, "export")} {(live == 1 ? "is" : "are")} still live " +
                "(memoryviews, numpy arrays...); release them first", live);
        lock (_memoryLock)
        {
            _freed = true;
            Memory.Dispose();
            NativeMemory.Free(_layoutBlock);
        }
        _budget.Return(_reserved);
        _onFreed(this);
        Activity.Pulse(); // watches notice the buffer is gone
    }

    /// <summary>Copies allocation bytes [offset, offset + destination.Length) out. Any thread.</summary>
    public void Read(long offset, Span<byte> destination)
    {
        lock (_memoryLock)
        {
            CheckRange(offset, destination.Length);
            new ReadOnlySpan<byte>((byte*)Memory.Address + offset, destination.Length).CopyTo(destination);
        }
    }

    /// <summary>Its <see cref="Live.Picture"/> (the memory cannot be freed meanwhile). Any thread.</summary>
    public Live.Picture Picture(int width, int height)
    {
        lock (_memoryLock)
        {
            CheckRange(0, 0);
            return Live.Picture.Draw((byte*)Memory.Address, Memory.Length, Layout, width, height);
        }
    }

    /// <summary>Writes into the allocation, as a server-side write. Refused on a read-only buffer. Any thread.</summary>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        if (ReadOnly)
            throw new BufferLifetimeException($"MemBuf '{Name}' is read-only; it cannot be written");
        lock (_memoryLock)
        {
            CheckRange(offset, source.Length);
            source.CopyTo(new Span<byte>((byte*)Memory.Address + offset, source.Length));
        }
        Interlocked.Increment(ref _writeVersion);
        Activity.Pulse();
    }

    private void CheckRange(long offset, long length)
    {
        if (_freed)
            throw new BufferLifetimeException($"MemBuf '{Name}' was freed");
        if (offset < 0 || length < 0 || offset > Memory.Length || length > Memory.Length - offset)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"bytes [{offset}, {offset} + {length}) are outside the allocation: offset must be in [0, {Memory.Length}] and offset + length at most {Memory.Length}");
    }

    public override string ToString() =>
        _freed ? $"<bufferscope.MemBuf '{Name}' freed>"
               : $"<bufferscope.MemBuf '{Name}' format='{Layout.Format.Text}' shape={BufferLayout.Show(Layout.Shape)} exports={Exports}>";
}
