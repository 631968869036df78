using Bufferscope.Core.Python;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// How the server gets a kernel: the one seam between sessions and where kernels run, as Jupyter's
/// kernel provisioners are. <see cref="LocalKernelLauncher"/> starts a child process on this
/// machine. A remote launcher (a Kubernetes pod per kernel, as JupyterHub's KubeSpawner does)
/// would start the same kernel role elsewhere, connect the same <see cref="IKernel"/> contract
/// over a network stream instead of a Unix socket, and, where no mapping can be shared, serve
/// watched memory as frames over the RPC (<see cref="IKernel.ReadMemoryAsync"/>) instead of tmpfs.
/// </summary>
public interface IKernelLauncher
{
    /// <summary>A started kernel on <paramref name="python"/> (as probed), with Python up and no session yet.</summary>
    Task<IKernelHandle> StartAsync(PythonInstallation python, CancellationToken cancellationToken = default);
}
