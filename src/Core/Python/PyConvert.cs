using System.Text;

namespace Bufferscope.Core.Python;

/// <summary>Conversions between .NET values and Python objects. Every method needs the GIL.</summary>
internal static unsafe class PyConvert
{
    /// <summary>A new reference to a str.</summary>
    public static nint FromString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* p = bytes)
            return Check(Interop.PyUnicode_FromStringAndSize(p, bytes.Length));
    }

    public static nint FromLong(long value) => Check(Interop.PyLong_FromLongLong(value));

    public static nint FromBool(bool value) => Check(Interop.PyBool_FromLong(value ? 1 : 0));

    /// <summary>A new reference to a tuple of ints.</summary>
    public static nint FromLongs(ReadOnlySpan<long> values)
    {
        var tuple = Check(Interop.PyTuple_New(values.Length));
        for (var i = 0; i < values.Length; i++)
            Interop.PyTuple_SetItem(tuple, i, FromLong(values[i]));
        return tuple;
    }

    /// <summary>A str's text (borrowed object); throws if it is not a str.</summary>
    public static string ToString(nint str)
    {
        nint size;
        var utf8 = Interop.PyUnicode_AsUTF8AndSize(str, &size);
        if (utf8 == null)
            throw PythonErrors.Fetch();
        return Encoding.UTF8.GetString(utf8, checked((int)size));
    }

    /// <summary>The text of a new reference to a str, which is released.</summary>
    public static string ToStringAndRelease(nint str)
    {
        try { return ToString(str); }
        finally { Interop.Py_DecRef(str); }
    }

    /// <summary>str(o), never throwing: used while describing errors.</summary>
    public static string Str(nint o)
    {
        var s = Interop.PyObject_Str(o);
        if (s == 0) { Interop.PyErr_Clear(); return "<unprintable>"; }
        try { return ToString(s); }
        catch (PythonException) { return "<unprintable>"; }
        finally { Interop.Py_DecRef(s); }
    }

    public static string Repr(nint o)
    {
        var s = Check(Interop.PyObject_Repr(o));
        try { return ToString(s); }
        finally { Interop.Py_DecRef(s); }
    }

    public static string TypeName(nint o)
    {
        var type = Interop.PyObject_Type(o);
        if (type == 0) { Interop.PyErr_Clear(); return "object"; }
        try
        {
            var name = Interop.PyObject_GetAttrString(type, "__qualname__");
            if (name == 0) { Interop.PyErr_Clear(); return "object"; }
            try { return ToString(name); }
            finally { Interop.Py_DecRef(name); }
        }
        finally { Interop.Py_DecRef(type); }
    }

    /// <summary>Calls <paramref name="callable"/> with positional arguments (borrowed); returns a new reference.</summary>
    public static nint Call(nint callable, params ReadOnlySpan<nint> args)
    {
        var tuple = Check(Interop.PyTuple_New(args.Length));
        for (var i = 0; i < args.Length; i++)
        {
            Interop.Py_IncRef(args[i]);
            Interop.PyTuple_SetItem(tuple, i, args[i]);
        }
        try { return Check(Interop.PyObject_CallObject(callable, tuple)); }
        finally { Interop.Py_DecRef(tuple); }
    }

    public static double ToDouble(nint o)
    {
        var value = Interop.PyFloat_AsDouble(o);
        return value == -1.0 && Interop.PyErr_Occurred() != 0 ? throw PythonErrors.Fetch() : value;
    }

    /// <summary>dict[key] = value, taking over the new reference <paramref name="stolen"/> (released either way).</summary>
    public static void SetItem(nint dict, string key, nint stolen)
    {
        var failed = Interop.PyDict_SetItemString(dict, key, stolen) != 0;
        Interop.Py_DecRef(stolen);
        if (failed)
            throw PythonErrors.Fetch();
    }

    /// <summary>o.name(*args) with borrowed arguments; returns a new reference.</summary>
    public static nint CallMethod(nint o, string name, params ReadOnlySpan<nint> args)
    {
        var method = Check(Interop.PyObject_GetAttrString(o, name));
        try { return Call(method, args); }
        finally { Interop.Py_DecRef(method); }
    }

    /// <summary>bool(o.name(*args)).</summary>
    public static bool CallPredicate(nint o, string name, params ReadOnlySpan<nint> args)
    {
        var result = CallMethod(o, name, args);
        try { return Interop.PyObject_IsTrue(result) == 1; }
        finally { Interop.Py_DecRef(result); }
    }

    /// <summary>Throws the pending Python error when a C API call returned NULL.</summary>
    public static nint Check(nint result) => result != 0 ? result : throw PythonErrors.Fetch();
}
