using System.Runtime.InteropServices;

namespace Bufferscope.Core.Python;

/// <summary>The few libc calls Core needs: dlopen with RTLD_GLOBAL and signalling the Python thread.</summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc.so.6";
    internal const int RTLD_NOW = 0x2;
    internal const int RTLD_GLOBAL = 0x100;
    internal const int SIGUSR1 = 10;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint dlopen(string file, int mode);
    [LibraryImport(Lib)] internal static partial nint dlerror();
    [LibraryImport(Lib)] internal static partial nuint pthread_self();
    [LibraryImport(Lib)] internal static partial int pthread_kill(nuint thread, int signal);

    internal static string? LastDlError()
    {
        var message = dlerror();
        return message == 0 ? null : Marshal.PtrToStringUTF8(message);
    }
}
