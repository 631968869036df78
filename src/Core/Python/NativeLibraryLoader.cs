using Bufferscope.Core.Native;

namespace Bufferscope.Core.Python;

/// <summary>
/// Opens libpython RTLD_NOW|RTLD_GLOBAL. NativeLibrary.Load opens RTLD_LOCAL, and then every
/// extension module fails to resolve libpython's symbols (_ctypes: undefined symbol PyTuple_Type;
/// numpy: PyExc_RecursionError), so we go through libc's dlopen.
/// </summary>
internal static class NativeLibraryLoader
{
    internal static nint LoadGlobal(string path)
    {
        var handle = LibC.dlopen(path, LibC.RTLD_NOW | LibC.RTLD_GLOBAL);
        if (handle == 0)
            throw new PythonStartException($"Could not load libpython from '{path}': {LibC.LastDlError()}.");
        return handle;
    }
}
