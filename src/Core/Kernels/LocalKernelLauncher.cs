using Bufferscope.Core.Python;

namespace Bufferscope.Core.Kernels;

/// <summary>Kernels as child processes of this server (<see cref="KernelProcess"/>): the server's executable in its kernel role.</summary>
public sealed class LocalKernelLauncher(KernelCommand command, string runDirectory, BufferscopeOptions options) : IKernelLauncher
{
    public async Task<IKernelHandle> StartAsync(PythonInstallation python, CancellationToken cancellationToken = default) =>
        await KernelProcess.StartAsync(command, runDirectory, options, python, cancellationToken).ConfigureAwait(false);
}
