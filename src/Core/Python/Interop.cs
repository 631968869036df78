using System.Reflection;
using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>
/// The CPython C API, imported once. Each partial file holds one area of the API (lifecycle,
/// GIL, objects, errors, values, types, frames); the imports stay private to Core and keep their
/// C names. <see cref="Bind"/> must run before the first call: it maps the logical library name
/// to the libpython handle that <see cref="NativeLibraryLoader"/> opened RTLD_GLOBAL.
/// </summary>
internal static unsafe partial class Interop
{
    internal const string Library = "bufferscope-libpython";

    private static nint s_handle;

    internal static void Bind(nint libraryHandle)
    {
        if (Interlocked.CompareExchange(ref s_handle, libraryHandle, 0) != 0)
            return; // A resolver can be set once per assembly; CPython is initialised once per process.
        NativeLibrary.SetDllImportResolver(typeof(Interop).Assembly, Resolve);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == Library ? s_handle : 0;

    /// <summary>A data symbol such as <c>PyExc_BufferError</c> is a pointer to the object; read it.</summary>
    internal static nint DataSymbol(string name) => *(nint*)NativeLibrary.GetExport(s_handle, name);

    internal static nint FunctionSymbol(string name) => NativeLibrary.GetExport(s_handle, name);
}
