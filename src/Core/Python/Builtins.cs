namespace Bufferscope.Core.Python;

/// <summary>Builtin exception types and singletons, read once after initialisation (data symbols of libpython).</summary>
internal static class Builtins
{
    public static nint BufferError { get; private set; }
    public static nint ValueError { get; private set; }
    public static nint TypeError { get; private set; }
    public static nint MemoryError { get; private set; }
    public static nint RuntimeError { get; private set; }
    public static nint KeyboardInterrupt { get; private set; }
    public static nint ImportError { get; private set; }
    public static nint None { get; private set; }

    internal static void Load()
    {
        BufferError = Interop.DataSymbol("PyExc_BufferError");
        ValueError = Interop.DataSymbol("PyExc_ValueError");
        TypeError = Interop.DataSymbol("PyExc_TypeError");
        MemoryError = Interop.DataSymbol("PyExc_MemoryError");
        RuntimeError = Interop.DataSymbol("PyExc_RuntimeError");
        KeyboardInterrupt = Interop.DataSymbol("PyExc_KeyboardInterrupt");
        ImportError = Interop.DataSymbol("PyExc_ImportError");
        // Py_None is the address of the _Py_NoneStruct object itself, not a pointer to it.
        None = Interop.FunctionSymbol("_Py_NoneStruct");
    }

    /// <summary>A new reference to None, the usual "no value" return of a C function.</summary>
    public static nint NewNone()
    {
        Interop.Py_IncRef(None);
        return None;
    }
}
