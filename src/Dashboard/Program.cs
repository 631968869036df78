using Bufferscope.Dashboard;

return await DashboardWebApplication.RunAsync(args);
