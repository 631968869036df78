namespace Bufferscope.Core.Kernels;

/// <summary>
/// How to start a kernel process: the program and the arguments before the kernel's own. The
/// server's executable in its <see cref="KernelHost.Mode"/>, run by the dotnet host, in a process
/// group of its own (setsid), so that whatever its user code forks is ended with it.
/// </summary>
public sealed record KernelCommand(string FileName, IReadOnlyList<string> Arguments)
{
    private const string Setsid = "/usr/bin/setsid";

    /// <summary><c>setsid dotnet &lt;assembly&gt; kernel</c>, with the dotnet host that runs this process (or the one on PATH).</summary>
    public static KernelCommand ForAssembly(string assemblyPath) => File.Exists(Setsid)
        ? new(Setsid, [DotnetHost(), assemblyPath, KernelHost.Mode])
        : new(DotnetHost(), [assemblyPath, KernelHost.Mode]);

    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "dotnet")))
                return Path.Combine(dir, "dotnet");
        return "dotnet";
    }
}
