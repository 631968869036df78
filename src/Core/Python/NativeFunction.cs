using System.Runtime.InteropServices;
using System.Text;

namespace Bufferscope.Core.Python;

/// <summary>
/// Builtin functions implemented in C#. Their PyMethodDef and names must outlive every function
/// object made from them, so they are allocated once and never freed (a few dozen bytes each).
/// </summary>
internal static unsafe class NativeFunction
{
    /// <summary>A new reference to a builtin function calling <paramref name="function"/>.</summary>
    public static nint Create(string name, delegate* unmanaged[Cdecl]<nint, nint, nint> function, int flags)
    {
        var def = (PyMethodDef*)NativeMemory.AllocZeroed((nuint)sizeof(PyMethodDef));
        def->ml_name = Utf8(name);
        def->ml_meth = (nint)function;
        def->ml_flags = flags;
        return PyConvert.Check(Interop.PyCFunction_NewEx(def, 0, 0));
    }

    /// <summary>A NUL-terminated UTF-8 copy that lives as long as the process.</summary>
    public static byte* Utf8(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return p;
    }
}
