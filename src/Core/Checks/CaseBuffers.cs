using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Buffers.Memory;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Checks;

/// <summary>
/// The two builtins checks.py makes a case with: <c>case_buffer(layout_json, data)</c>, a MemBuf
/// over a private copy of <c>data</c> that no session lists and the live feed never tells (a check
/// makes thousands), and <c>case_memory(membuf)</c>, its whole allocation as bytes, guards included.
/// The memory counts against the same budget as every buffer. Python thread.
/// </summary>
internal static unsafe class CaseBuffers
{
    private static MemoryBudget? s_budget;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private sealed record Layout(string Format, long[] Shape, long[]? Strides, long Offset, bool Readonly);

    /// <summary>Sets both builtins on <paramref name="module"/> (borrowed).</summary>
    public static void Install(nint module, MemoryBudget budget)
    {
        s_budget = budget;
        PyConvert.SetItem(Interop.PyModule_GetDict(module), "case_buffer", NativeFunction.Create("case_buffer", &CaseBuffer, MethodFlags.METH_VARARGS));
        PyConvert.SetItem(Interop.PyModule_GetDict(module), "case_memory", NativeFunction.Create("case_memory", &CaseMemory, MethodFlags.METH_O));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint CaseBuffer(nint self, nint args)
    {
        try
        {
            var spec = JsonSerializer.Deserialize<Layout>(PyConvert.ToString(Interop.PyTuple_GetItem(args, 0)), s_json)!;
            var layout = BufferLayout.Create(StructFormat.Parse(spec.Format), spec.Shape, "C", spec.Strides, spec.Offset);
            Py_buffer view;
            if (Interop.PyObject_GetBuffer(Interop.PyTuple_GetItem(args, 1), &view, 0) != 0)
                return 0;
            try
            {
                layout.CheckFits(view.len, "data");
                var budget = s_budget!;
                budget.Reserve(view.len);
                var memory = new NativeMemorySource(view.len);
                new ReadOnlySpan<byte>((void*)view.buf, (int)view.len).CopyTo(new Span<byte>((void*)memory.Address, (int)view.len));
                return ExporterType.Wrap(new Exporter("case", null, layout, spec.Readonly, memory, budget, view.len, static _ => { }));
            }
            finally { Interop.PyBuffer_Release(&view); }
        }
        catch (Exception e)
        {
            PythonErrors.Raise(e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint CaseMemory(nint self, nint membuf)
    {
        try
        {
            var exporter = ExporterType.Unwrap(membuf) ?? throw new ArgumentException("case_memory() takes a MemBuf");
            var bytes = new byte[exporter.Length];
            exporter.Read(0, bytes);
            fixed (byte* p = bytes)
                return PyConvert.Check(Interop.PyBytes_FromStringAndSize(p, bytes.Length));
        }
        catch (Exception e)
        {
            PythonErrors.Raise(e);
            return 0;
        }
    }
}
