using Bufferscope.Core;
using Bufferscope.Core.Python;

namespace Bufferscope.Dashboard;

/// <summary>
/// Builds the server: configuration from the root appsettings.json, Core (Python started once,
/// at boot), the endpoints. Tests build the real thing through <see cref="Build"/>.
/// </summary>
public static class DashboardWebApplication
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json and wwwroot/ are copied next to the binaries from the repository root.
            ContentRootPath = AppContext.BaseDirectory,
        });
        var options = new BufferscopeOptions();
        builder.Configuration.GetSection(BufferscopeOptions.Section).Bind(options);
        options.Python.WithEnvironment();
        configure?.Invoke(builder);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => BufferscopeCore.Start(options));

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/healthz", (BufferscopeCore core) => Results.Json(new
        {
            status = "ok",
            python = new
            {
                version = core.Python.Installation.Version.ToString(),
                executable = core.Python.Installation.Executable,
                library = core.Python.Installation.Library,
            },
        }));
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var app = Build(args);
        BufferscopeCore core;
        try
        {
            // Python starts at boot, not at the first request: a bad interpreter is reported now.
            core = app.Services.GetRequiredService<BufferscopeCore>();
            app.Logger.LogInformation("Python {Version} embedded from {Library}", core.Python.Installation.Version, core.Python.Installation.Library);
        }
        catch (PythonStartException e)
        {
            await Console.Error.WriteLineAsync($"bufferscope: cannot start Python: {e.Message}");
            return 2;
        }
        await app.RunAsync();
        // Stopped (Ctrl+C, SIGTERM): interrupt any running snippet, finish queued work, finalise
        // Python. A user's non-daemon thread could keep finalisation waiting: give it 5 s at most.
        await core.Python.ShutdownAsync(TimeSpan.FromSeconds(5));
        return 0;
    }
}
