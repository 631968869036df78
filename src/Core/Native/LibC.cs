using System.Runtime.InteropServices;

namespace Bufferscope.Core.Native;

/// <summary>The few libc calls Core needs: dlopen with RTLD_GLOBAL, signalling the Python thread and kernels' process groups, anonymous mappings, sparse files.</summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc.so.6";
    internal const int RTLD_NOW = 0x2;
    internal const int RTLD_GLOBAL = 0x100;
    internal const int SIGUSR1 = 10;
    internal const int PROT_READ = 0x1;
    internal const int PROT_WRITE = 0x2;
    internal const int MAP_PRIVATE = 0x02;
    internal const int MAP_ANONYMOUS = 0x20;
    internal static readonly nint MAP_FAILED = -1;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint dlopen(string file, int mode);
    [LibraryImport(Lib)] internal static partial nint dlerror();
    [LibraryImport(Lib)] internal static partial nuint pthread_self();
    [LibraryImport(Lib)] internal static partial int pthread_kill(nuint thread, int signal);
    [LibraryImport(Lib, SetLastError = true)] internal static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);
    [LibraryImport(Lib)] internal static partial int munmap(nint addr, nuint length);
    internal const int SIGKILL = 9;
    internal const int RLIMIT_DATA = 2;

    [StructLayout(LayoutKind.Sequential)]
    internal struct RLimit
    {
        public ulong Current; // rlim_cur
        public ulong Maximum; // rlim_max
    }

    [LibraryImport(Lib, SetLastError = true)] internal static partial int setrlimit(int resource, in RLimit limit);

    internal const int SEEK_DATA = 3;
    internal const int SEEK_HOLE = 4;
    /// <summary>lseek(2): with SEEK_DATA / SEEK_HOLE, where a sparse file's data starts and ends (-1 with ENXIO past the last data).</summary>
    [LibraryImport(Lib, SetLastError = true)] internal static partial long lseek(int fd, long offset, int whence);

    /// <summary>kill(2); a negative pid signals the whole process group.</summary>
    [LibraryImport(Lib)] internal static partial int kill(int pid, int signal);

    internal static string? LastDlError()
    {
        var message = dlerror();
        return message == 0 ? null : Marshal.PtrToStringUTF8(message);
    }
}
