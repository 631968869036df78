using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>Modules, imports and running source.</summary>
internal static partial class Interop
{
    internal const int Py_file_input = 257;
    internal const int Py_eval_input = 258;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint PyImport_ImportModule(string name);
    [LibraryImport(Library)] internal static partial nint PyImport_GetModuleDict();
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint PyModule_New(string name);
    [LibraryImport(Library)] internal static partial nint PyModule_GetDict(nint module);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint Py_CompileString(string source, string filename, int start);
    [LibraryImport(Library)] internal static partial nint PyEval_EvalCode(nint code, nint globals, nint locals);
    [LibraryImport(Library)] internal static partial nint PyEval_GetBuiltins();
    [LibraryImport(Library)] internal static unsafe partial nint PyCFunction_NewEx(PyMethodDef* method, nint self, nint module);
}
