using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Buffers;

/// <summary>
/// <c>bufferscope.MemBuf</c>: a Python type made with PyType_FromSpec whose slots are the
/// [UnmanagedCallersOnly] methods below.
///
/// Slot rules:
/// - No .NET exception leaves a slot: each catches, sets a Python error, returns its error value.
/// - <c>view->obj</c> is NULL on every failed request and a new reference on success;
///   bf_releasebuffer never touches it (PyBuffer_Release drops it).
/// - An instance is { PyObject_HEAD; GCHandle to its <see cref="Exporter"/> }. It is a heap type:
///   each instance holds a reference to the type, which dealloc drops after tp_free.
/// - Construction parses arguments in Python (<c>bufferscope._membuf_spec</c>) and validates in
///   <see cref="ExporterFactory"/>, the same code the HTTP API uses.
/// </summary>
internal static unsafe class ExporterType
{
    [StructLayout(LayoutKind.Sequential)]
    private struct ExporterObject
    {
        public nint ob_refcnt;   // Py_ssize_t
        public nint ob_type;     // PyTypeObject*
        public nint handle;      // GCHandle of the Exporter
    }

    private static readonly string[] s_attributes =
        ["format", "itemsize", "ndim", "shape", "strides", "offset", "nbytes", "readonly", "address",
         "exports", "views", "name", "id", "source", "order", "freed"];

    private static nint s_type;
    private static nint s_specFunction;
    private static ExporterFactory? s_factory;
    private static Func<string?>? s_currentSession;

    /// <summary>The type object (borrowed; it lives as long as the interpreter).</summary>
    public static nint Type => s_type;

    /// <summary>Creates the type (once). Python thread.</summary>
    public static nint Create(ExporterFactory factory, Func<string?> currentSession)
    {
        s_factory = factory;
        s_currentSession = currentSession;
        if (s_type != 0)
            return s_type;

        var getset = (PyGetSetDef*)NativeMemory.AllocZeroed((nuint)(sizeof(PyGetSetDef) * (s_attributes.Length + 1)));
        for (var i = 0; i < s_attributes.Length; i++)
        {
            getset[i].name = NativeFunction.Utf8(s_attributes[i]);
            getset[i].get = (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint>)&Get;
            getset[i].closure = i;
        }
        var methods = (PyMethodDef*)NativeMemory.AllocZeroed((nuint)(sizeof(PyMethodDef) * 3));
        methods[0].ml_name = NativeFunction.Utf8("free");
        methods[0].ml_meth = (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint>)&FreeMethod;
        methods[0].ml_flags = MethodFlags.METH_NOARGS;
        methods[0].ml_doc = NativeFunction.Utf8("free()\n--\n\nRelease the memory now. Refused (BufferError) while any export is live.");
        // Without this, copy.copy and pickle would call MemBuf() with no arguments and quietly
        // hand back a new default buffer instead of a copy.
        methods[1].ml_name = NativeFunction.Utf8("__reduce__");
        methods[1].ml_meth = (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint>)&ReduceMethod;
        methods[1].ml_flags = MethodFlags.METH_NOARGS;

        ReadOnlySpan<PyType_Slot> slots =
        [
            new() { slot = TypeSlot.bf_getbuffer, pfunc = (nint)(delegate* unmanaged[Cdecl]<nint, Py_buffer*, int, int>)&GetBuffer },
            new() { slot = TypeSlot.bf_releasebuffer, pfunc = (nint)(delegate* unmanaged[Cdecl]<nint, Py_buffer*, void>)&ReleaseBuffer },
            new() { slot = TypeSlot.tp_dealloc, pfunc = (nint)(delegate* unmanaged[Cdecl]<nint, void>)&Dealloc },
            new() { slot = TypeSlot.tp_new, pfunc = (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint, nint>)&New },
            new() { slot = TypeSlot.tp_repr, pfunc = (nint)(delegate* unmanaged[Cdecl]<nint, nint>)&Repr },
            new() { slot = TypeSlot.tp_getset, pfunc = (nint)getset },
            new() { slot = TypeSlot.tp_methods, pfunc = (nint)methods },
            new() { slot = TypeSlot.tp_doc, pfunc = (nint)NativeFunction.Utf8(
                "MemBuf(shape=(480, 640), format='<d', order='C', strides=None, offset=0, readonly=False, fill='zeros', data=None, seed=None, source='native', name=None)\n--\n\n" +
                "Memory owned by .NET, exported zero-copy through the buffer protocol (PEP 3118).") },
            default,
        ];
        var nativeSlots = (PyType_Slot*)NativeMemory.Alloc((nuint)(sizeof(PyType_Slot) * slots.Length));
        slots.CopyTo(new Span<PyType_Slot>(nativeSlots, slots.Length));
        var spec = (PyType_Spec*)NativeMemory.AllocZeroed((nuint)sizeof(PyType_Spec));
        spec->name = NativeFunction.Utf8("bufferscope.MemBuf");
        spec->basicsize = sizeof(ExporterObject);
        spec->flags = 0; // Py_TPFLAGS_DEFAULT; not a base type: subclasses would change the layout and dealloc rules
        spec->slots = nativeSlots;
        s_type = PyConvert.Check(Interop.PyType_FromSpec(spec));
        return s_type;
    }

    /// <summary>Called once the bufferscope module is loaded: the Python function that parses MemBuf(...) arguments.</summary>
    public static void UseArgumentParser(nint specFunction) => s_specFunction = specFunction;

    /// <summary>A new reference to a Python object exporting <paramref name="exporter"/>. GIL held.</summary>
    public static nint Wrap(Exporter exporter)
    {
        var o = PyConvert.Check(Interop.PyType_GenericAlloc(s_type, 0)); // increfs the heap type
        ((ExporterObject*)o)->handle = GCHandle.ToIntPtr(GCHandle.Alloc(exporter));
        exporter.PythonObject = o;
        return o;
    }

    /// <summary>The exporter behind a Python object, or null if it is not a MemBuf.</summary>
    public static Exporter? Unwrap(nint o)
    {
        if (o == 0 || ((ExporterObject*)o)->ob_type != s_type)
            return null;
        return Of(o);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Exporter Of(nint self) =>
        Unsafe.As<Exporter>(GCHandle.FromIntPtr(((ExporterObject*)self)->handle).Target!);

    // ---- buffer slots ---------------------------------------------------------------------------
    // AggressiveOptimization keeps both out of the ReadyToRun image: .NET never tiers up an
    // [UnmanagedCallersOnly] method, so precompiled code would run every export for good, calling
    // the exporter and ledger (inlined here once JIT-compiled) through indirection stubs. Measured
    // with the exports benchmark: 1.55x bytearray precompiled, 1.21-1.30x JIT-compiled.

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)]), MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int GetBuffer(nint self, Py_buffer* view, int flags)
    {
        try
        {
            var refusal = Of(self).Export(self, view, flags);
            if (refusal is null)
                return 0;
            view->obj = 0;
            PythonErrors.Raise(Builtins.BufferError, refusal);
            return -1;
        }
        catch (Exception e)
        {
            view->obj = 0;
            PythonErrors.Raise(e);
            return -1;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)]), MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReleaseBuffer(nint self, Py_buffer* view)
    {
        try { Of(self).Release(view); }
        catch (Exception) { } // releasebuffer cannot report an error; the ledger ignores unknown slots anyway
    }

    // ---- object slots ---------------------------------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Dealloc(nint self)
    {
        var o = (ExporterObject*)self;
        var type = o->ob_type;
        if (o->handle != 0)
        {
            var handle = GCHandle.FromIntPtr(o->handle);
            var exporter = (Exporter)handle.Target!;
            exporter.PythonObject = 0;
            try { exporter.Free(); } // no export can be live: each one holds a reference to self
            catch (Exception) { }
            handle.Free();
            o->handle = 0;
        }
        Interop.PyObject_Free(self);
        Interop.Py_DecRef(type);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint New(nint type, nint args, nint kwargs)
    {
        try
        {
            var parsed = Interop.PyObject_Call(s_specFunction, args, kwargs);
            if (parsed == 0)
                return 0; // TypeError or ValueError naming the argument, raised by the parser
            try
            {
                var spec = JsonSerializer.Deserialize(PyConvert.ToString(Interop.PyTuple_GetItem(parsed, 0)), CoreJson.Default.BufferSpec)!;
                var data = Interop.PyTuple_GetItem(parsed, 1);
                Exporter exporter;
                if (data == Builtins.None)
                    exporter = s_factory!.Create(spec, sessionId: s_currentSession!());
                else
                {
                    Py_buffer bytes;
                    if (Interop.PyObject_GetBuffer(data, &bytes, 0) != 0)
                        return 0;
                    try { exporter = s_factory!.Create(spec, new ReadOnlySpan<byte>((void*)bytes.buf, (int)bytes.len), hasData: true, sessionId: s_currentSession!()); }
                    finally { Interop.PyBuffer_Release(&bytes); }
                }
                return Wrap(exporter);
            }
            finally { Interop.Py_DecRef(parsed); }
        }
        catch (BufferSpecException e)
        {
            PythonErrors.Raise(Builtins.ValueError, $"MemBuf() argument '{Argument(e.ParamName)}': {e.Detail}");
            return 0;
        }
        catch (Exception e)
        {
            PythonErrors.Raise(e);
            return 0;
        }
    }

    /// <summary>Spec fields back to MemBuf's argument names.</summary>
    private static string Argument(string? parameter) => parameter switch
    {
        "fill.kind" or "fill.pattern" or "fill.bytes" => "fill",
        "source.kind" => "source",
        "source.path" or "source.name" or "path" => "name",
        _ => parameter ?? "?",
    };

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Repr(nint self)
    {
        try { return PyConvert.FromString(Of(self).ToString()); }
        catch (Exception e) { PythonErrors.Raise(e); return 0; }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint FreeMethod(nint self, nint unused)
    {
        try
        {
            Of(self).Free();
            return Builtins.NewNone();
        }
        catch (Exception e) { PythonErrors.Raise(e); return 0; }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint ReduceMethod(nint self, nint unused)
    {
        PythonErrors.Raise(Builtins.TypeError,
            "a MemBuf cannot be pickled or copied: its memory belongs to .NET; copy the bytes with bytes(b) or numpy.array(b), " +
            "or make another with bufferscope.MemBuf(shape=b.shape, format=b.format, data=bytes(b))");
        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Get(nint self, nint closure)
    {
        try
        {
            var e = Of(self);
            var layout = e.Layout;
            return s_attributes[(int)closure] switch
            {
                "format" => PyConvert.FromString(layout.Format.Text),
                "itemsize" => PyConvert.FromLong(layout.ItemSize),
                "ndim" => PyConvert.FromLong(layout.Rank),
                "shape" => PyConvert.FromLongs(layout.ShapeArray()),
                "strides" => PyConvert.FromLongs(layout.StridesArray()),
                "offset" => PyConvert.FromLong(layout.Offset),
                "nbytes" => PyConvert.FromLong(layout.NBytes),
                "readonly" => PyConvert.FromBool(e.ReadOnly),
                "address" => PyConvert.FromLong(e.ItemAddress),
                "exports" => PyConvert.FromLong(e.Exports),
                "views" => ViewsToPython(e),
                "name" => PyConvert.FromString(e.Name),
                "id" => PyConvert.FromLong(e.Id),
                "source" => PyConvert.FromString(e.Memory.Kind),
                "order" => PyConvert.FromString(layout.Order),
                "freed" => PyConvert.FromBool(e.IsFreed),
                _ => throw new InvalidOperationException("unknown attribute"),
            };
        }
        catch (Exception e) { PythonErrors.Raise(e); return 0; }
    }

    /// <summary>The live ledger entries as a list of dicts (what <c>MemBuf.views</c> returns).</summary>
    private static nint ViewsToPython(Exporter exporter)
    {
        var views = exporter.Views();
        var list = PyConvert.Check(Interop.PyList_New(views.Count));
        for (var i = 0; i < views.Count; i++)
        {
            var v = views[i];
            var d = PyConvert.Check(Interop.PyDict_New());
            Interop.PyList_SetItem(list, i, d);
            PyConvert.SetItem(d, "id", PyConvert.FromLong(v.Id));
            PyConvert.SetItem(d, "flags", PyConvert.FromLong(v.Flags));
            PyConvert.SetItem(d, "flag_names", PyConvert.FromString(string.Join(" | ", v.FlagNames)));
            PyConvert.SetItem(d, "readonly", PyConvert.FromBool(v.ReadOnly));
            PyConvert.SetItem(d, "format", v.Format is null ? Builtins.NewNone() : PyConvert.FromString(v.Format));
            PyConvert.SetItem(d, "ndim", PyConvert.FromLong(v.NDim));
            PyConvert.SetItem(d, "shape", v.Shape is null ? Builtins.NewNone() : PyConvert.FromLongs(v.Shape));
            PyConvert.SetItem(d, "strides", v.Strides is null ? Builtins.NewNone() : PyConvert.FromLongs(v.Strides));
            PyConvert.SetItem(d, "acquired_at", PyConvert.Check(Interop.PyFloat_FromDouble(v.AcquiredAt.ToUnixTimeMilliseconds() / 1000.0)));
            PyConvert.SetItem(d, "origin", PyConvert.FromString(v.Origin));
        }
        return list;
    }
}
