namespace Bufferscope.Core.Python;

/// <summary>
/// Where the running frame's code object and instruction pointer sit in CPython's internal
/// structures, per minor version, measured with gcc <c>offsetof</c> against that version's
/// internal headers (Include/internal/pycore_frame.h). With them, finding who asked for an export
/// is a few memory reads instead of PyEval_GetFrame, which may allocate a frame object and so
/// needs the full GC transition. A version without a row uses the public API instead.
/// <code>
/// tstate->cframe->current_frame->f_code, ->prev_instr; bytecode at code + co_code_adaptive
/// </code>
/// </summary>
internal sealed record FrameLayout(int ThreadCFrame, int CFrameCurrentFrame, int FrameCode, int FramePrevInstr, int CodeBytecode)
{
    private static readonly Dictionary<(int, int), FrameLayout> s_layouts = new()
    {
        [(3, 11)] = new FrameLayout(ThreadCFrame: 56, CFrameCurrentFrame: 8, FrameCode: 32, FramePrevInstr: 56, CodeBytecode: 184),
    };

    internal static FrameLayout? For(Version version) => s_layouts.GetValueOrDefault((version.Major, version.Minor));
}
