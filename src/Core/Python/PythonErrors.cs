namespace Bufferscope.Core.Python;

/// <summary>Moves errors across the boundary: Python's pending error out as a .NET exception, .NET errors in as Python's.</summary>
internal static unsafe class PythonErrors
{
    private static nint s_formatter;

    /// <summary>Set once the runtime has imported its helpers; before that, tracebacks are not formatted.</summary>
    internal static void UseFormatter(nint describeException) => s_formatter = describeException;

    /// <summary>Takes the pending Python error (clearing it) and returns it as a <see cref="PythonException"/>.</summary>
    public static PythonException Fetch()
    {
        nint type, value, traceback;
        Interop.PyErr_Fetch(&type, &value, &traceback);
        if (type == 0)
            return new PythonException("SystemError", "a Python call failed without setting an error", "");
        Interop.PyErr_NormalizeException(&type, &value, &traceback);
        try
        {
            if (traceback != 0)
                Interop.PyException_SetTraceback(value, traceback);
            return Describe(value);
        }
        finally
        {
            Interop.Py_DecRef(type);
            if (value != 0) Interop.Py_DecRef(value);
            if (traceback != 0) Interop.Py_DecRef(traceback);
        }
    }

    /// <summary>Type, message and traceback of an exception object, through the helper module when it is loaded.</summary>
    internal static PythonException Describe(nint exception)
    {
        if (s_formatter != 0)
        {
            var args = Interop.PyTuple_New(1);
            Interop.Py_IncRef(exception);
            Interop.PyTuple_SetItem(args, 0, exception);
            var described = Interop.PyObject_CallObject(s_formatter, args);
            Interop.Py_DecRef(args);
            if (described != 0)
            {
                try
                {
                    return new PythonException(
                        PyConvert.ToString(Interop.PyTuple_GetItem(described, 0)),
                        PyConvert.ToString(Interop.PyTuple_GetItem(described, 1)),
                        PyConvert.ToString(Interop.PyTuple_GetItem(described, 2)));
                }
                finally { Interop.Py_DecRef(described); }
            }
            Interop.PyErr_Clear(); // The formatter itself failed: fall back to repr.
        }
        return new PythonException(PyConvert.TypeName(exception), PyConvert.Str(exception), "");
    }

    /// <summary>Raises <paramref name="type"/> in Python with <paramref name="message"/>; for slots, which then return their error value.</summary>
    public static void Raise(nint type, string message) => Interop.PyErr_SetString(type, message);

    /// <summary>Maps a .NET exception caught in a slot to the Python exception a caller would expect.</summary>
    public static void Raise(Exception exception)
    {
        switch (exception)
        {
            case PythonException python when Interop.PyErr_Occurred() != 0:
                _ = python; // Already pending in Python: keep it as raised.
                break;
            case ArgumentException or FormatException:
                Raise(Builtins.ValueError, exception.Message);
                break;
            case OutOfMemoryException or InsufficientMemoryException:
                Raise(Builtins.MemoryError, exception.Message);
                break;
            case Buffers.BufferLifetimeException:
                Raise(Builtins.BufferError, exception.Message);
                break;
            case PythonException python:
                Raise(Builtins.RuntimeError, python.Message);
                break;
            default:
                Raise(Builtins.RuntimeError, $"{exception.GetType().Name}: {exception.Message}");
                break;
        }
    }
}
