using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard;

// One executable, two roles: the server, or (started by the server) a session's kernel.
return args is [KernelHost.Mode, ..]
    ? await KernelHost.RunAsync(args[1..])
    : await DashboardWebApplication.RunAsync(args);
