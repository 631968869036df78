using System.Runtime.CompilerServices;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// The exact record of an exporter's live exports.
///
/// Writers are the buffer slots, which run with the GIL held, so there is one writer at a time.
/// Readers (the API, the live feed) run on any thread without the GIL: they copy under a
/// sequence lock (the version is odd while a writer is inside, and a copy taken across a change
/// is retried), so a reader never blocks Python and Python never waits for a reader.
///
/// Records live in an array with a free list; an export keeps its slot index in
/// <c>Py_buffer.internal</c>, which PEP 3118 reserves for the exporter and which the consumer
/// hands back on release. No allocation per export once the array has grown to the peak count.
/// </summary>
public sealed class ExportLedger
{
    private struct Record
    {
        public long Id;
        public long AcquiredAtTicks;
        public int Flags;
        public int Origin;
        public int NextFree;
        public bool Live;
        public nint View;
    }

    private static long s_nextId;

    private Record[] _records = new Record[4];
    private int _freeHead = -1;
    private int _highWater;
    private int _live;
    private int _version;
    private long _acquired;
    private long _released;

    /// <summary>Exports live now.</summary>
    public int Live => Volatile.Read(ref _live);
    /// <summary>Exports ever acquired; with <see cref="Released"/>, how many changes happened between two looks.</summary>
    public long Acquired => Volatile.Read(ref _acquired);
    public long Released => Volatile.Read(ref _released);

    /// <summary>Records an export of the Py_buffer at <paramref name="view"/>; returns its slot. GIL held.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per export: inlined into the slot
    public int Acquire(int flags, int origin, nint view = 0)
    {
        BeginWrite();
        var slot = _freeHead;
        if (slot >= 0)
            _freeHead = _records[slot].NextFree;
        else
            slot = NewSlot();
        _records[slot] = new Record
        {
            Id = ++s_nextId, // GIL held: every exporter's slots are serialised
            AcquiredAtTicks = CoarseClock.Cached,
            Flags = flags,
            Origin = origin,
            NextFree = -1,
            Live = true,
            View = view,
        };
        _live++;
        _acquired++;
        EndWrite();
        return slot;
    }

    private int NewSlot()
    {
        if (_highWater == _records.Length)
            Array.Resize(ref _records, _records.Length * 2);
        return _highWater++;
    }

    /// <summary>Ends the export in <paramref name="slot"/>. GIL held. A slot that is not live is ignored: releasing twice must not corrupt the count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Release(nint slot)
    {
        if ((nuint)slot >= (nuint)_highWater || !_records[slot].Live)
            return false;
        BeginWrite();
        _records[slot].Live = false;
        _records[slot].NextFree = _freeHead;
        _freeHead = (int)slot;
        _live--;
        _released++;
        EndWrite();
        return true;
    }

    // x86-64 keeps stores in program order, and volatile writes keep the JIT from moving them:
    // a reader that sees an even, unchanged version saw no half-written record.
    private void BeginWrite() => Volatile.Write(ref _version, _version + 1);
    private void EndWrite() => Volatile.Write(ref _version, _version + 1);

    /// <summary>A consistent copy of the live exports (oldest first) and the totals. Any thread.</summary>
    public LedgerSnapshot Snapshot()
    {
        var spinner = new SpinWait();
        while (true)
        {
            var before = Volatile.Read(ref _version);
            if ((before & 1) == 0)
            {
                var records = Volatile.Read(ref _records);
                var count = Math.Min(Volatile.Read(ref _highWater), records.Length);
                var live = new List<ExportEntry>(Math.Max(0, Live));
                for (var i = 0; i < count; i++)
                {
                    var r = records[i];
                    if (r.Live)
                        live.Add(new ExportEntry(r.Id, r.Flags, r.Origin, r.AcquiredAtTicks, r.View));
                }
                var acquired = _acquired;
                var released = _released;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _version) == before)
                {
                    live.Sort(static (a, b) => a.Id.CompareTo(b.Id));
                    return new LedgerSnapshot(live, acquired, released);
                }
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}

/// <summary>
/// One live export as the ledger records it; fields handed out follow from the layout and
/// <see cref="Flags"/>. <see cref="View"/> is where the consumer keeps its Py_buffer, which is how
/// the kernel finds who holds it (<see cref="Requests.ViewHolders"/>); an address, never read here.
/// </summary>
public readonly record struct ExportEntry(long Id, int Flags, int OriginIndex, long AcquiredAtTicks, nint View = 0)
{
    public ExportOrigin Origin => ExportOrigins.Get(OriginIndex);
    public DateTimeOffset AcquiredAt => CoarseClock.ToTime(AcquiredAtTicks);
}

/// <summary>The live exports and the acquire/release totals, read together.</summary>
public sealed record LedgerSnapshot(IReadOnlyList<ExportEntry> Live, long Acquired, long Released);
