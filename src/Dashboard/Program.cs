using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard;
using Bufferscope.Dashboard.Cli;

// One executable, three roles: the server, (started by the server) a session's kernel, or one check from the command line.
return args switch
{
    [KernelHost.Mode, ..] => await KernelHost.RunAsync(args[1..]),
    [CheckCommand.Mode, ..] => await CheckCommand.RunAsync(args[1..]),
    _ => await DashboardWebApplication.RunAsync(args),
};
