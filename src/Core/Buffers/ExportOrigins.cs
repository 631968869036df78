using System.Runtime.CompilerServices;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// Finds the Python file and line that asked for an export, cheaply enough to do on every export.
///
/// A frame's (code object, instruction offset) pair names the line; turning it into a file name
/// and line number costs a line-table walk and an attribute read, so a small direct-mapped memo
/// keeps the last pairs seen: a loop that exports from the same lines hits it every time. Each memo
/// entry holds a strong reference to its code object, so a pointer in the memo can never be a freed
/// and reused address. Origins are interned in a table (bounded) and exports store the index.
/// GIL only.
/// </summary>
internal static class ExportOrigins
{
    public const int NoFrame = 0;
    private const int MaxOrigins = 65_536;
    private const int MemoSize = 64;

    private struct Memo
    {
        public nint Code;
        public int LastInstruction;
        public int Origin;
    }

    private static readonly Memo[] s_memo = new Memo[MemoSize];
    private static readonly Lock s_lock = new();
    private static readonly List<ExportOrigin> s_origins = [ExportOrigin.None, ExportOrigin.TooMany];
    private static readonly Dictionary<ExportOrigin, int> s_index = new() { [ExportOrigin.None] = 0, [ExportOrigin.TooMany] = 1 };

    private static FrameLayout? s_frames;

    /// <summary>Uses direct frame reads when the running version's layout is known. Python thread, once.</summary>
    internal static void Configure(Version python) => s_frames = FrameLayout.For(python);

    /// <summary>The interned origin of the running Python frame (GIL held).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Current() => s_frames is { } layout ? FromFrame(layout) : FromApi();

    private static unsafe int FromFrame(FrameLayout layout)
    {
        var thread = Interop._PyThreadState_UncheckedGet();
        var cframe = *(nint*)(thread + layout.ThreadCFrame);
        var frame = cframe == 0 ? 0 : *(nint*)(cframe + layout.CFrameCurrentFrame);
        if (frame == 0)
            return NoFrame;
        var code = *(nint*)(frame + layout.FrameCode);
        // prev_instr - _PyCode_CODE(code), in bytes: what PyFrame_GetLasti returns.
        var lasti = (int)(*(nint*)(frame + layout.FramePrevInstr) - (code + layout.CodeBytecode));
        ref var memo = ref Slot(code, lasti);
        if (memo.Code == code && memo.LastInstruction == lasti)
            return memo.Origin;
        Interop.Py_IncRef(code); // the memo's own reference
        return Remember(ref memo, code, lasti);
    }

    private static int FromApi()
    {
        var frame = Interop.PyEval_GetFrame();
        if (frame == 0)
            return NoFrame;
        var code = Interop.PyFrame_GetCode(frame); // new reference
        var lasti = Interop.PyFrame_GetLasti(frame);
        ref var memo = ref Slot(code, lasti);
        if (memo.Code == code && memo.LastInstruction == lasti)
        {
            Interop.Py_DecRef_KeptAlive(code); // the frame and the memo both still own it
            return memo.Origin;
        }
        return Remember(ref memo, code, lasti);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref Memo Slot(nint code, int lasti) =>
        ref s_memo[(int)(((ulong)code >> 4) ^ (uint)lasti) & (MemoSize - 1)];

    /// <summary>Takes over one reference to <paramref name="code"/>.</summary>
    private static int Remember(ref Memo memo, nint code, int lasti)
    {
        var origin = Intern(Describe(code, lasti));
        var evicted = memo.Code;
        memo = new Memo { Code = code, LastInstruction = lasti, Origin = origin }; // keeps the new reference
        if (evicted != 0)
            Interop.Py_DecRef(evicted);
        return origin;
    }

    private static ExportOrigin Describe(nint code, int lasti)
    {
        var line = Interop.PyCode_Addr2Line(code, lasti);
        return new ExportOrigin(Attribute(code, "co_filename"), line, Attribute(code, "co_qualname"));
    }

    private static string Attribute(nint o, string name)
    {
        var value = Interop.PyObject_GetAttrString(o, name);
        if (value == 0)
        {
            Interop.PyErr_Clear();
            return "?";
        }
        try { return PyConvert.ToString(value); }
        catch (PythonException) { return "?"; }
        finally { Interop.Py_DecRef(value); }
    }

    private static int Intern(ExportOrigin origin)
    {
        lock (s_lock)
        {
            if (s_index.TryGetValue(origin, out var index))
                return index;
            if (s_origins.Count >= MaxOrigins)
                return 1;
            s_origins.Add(origin);
            return s_index[origin] = s_origins.Count - 1;
        }
    }

    public static ExportOrigin Get(int index)
    {
        lock (s_lock)
            return (uint)index < (uint)s_origins.Count ? s_origins[index] : ExportOrigin.None;
    }
}
