using Bufferscope.Core;
using Bufferscope.Core.Python;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Sessions;
using Bufferscope.Dashboard.Api;
using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Components;
using Bufferscope.Dashboard.Hubs;
using Bufferscope.Dashboard.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using MudBlazor.Services;

namespace Bufferscope.Dashboard;

/// <summary>
/// Builds the server: configuration from the root appsettings.json, the sessions (each a kernel
/// process; this one loads no libpython, it only probes the interpreter at boot), the HTTP API,
/// the hub, web security (<see cref="SecurityServices"/>) and the limits. Tests build the real
/// thing through <see cref="Build"/>.
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
        configure?.Invoke(builder);
        var options = new BufferscopeOptions();
        builder.Configuration.GetSection(BufferscopeOptions.Section).Bind(options);
        options.Python.WithEnvironment();

        var services = builder.Services;
        services.AddSingleton(options);
        // A bad default interpreter is refused here, before any kernel tries it.
        services.AddSingleton(_ => new Interpreters(options.Python));
        services.AddSingleton(sp => sp.GetRequiredService<Interpreters>().Default);
        services.AddSingleton(sp =>
        {
            var sessions = new KernelSessions(options, KernelCommand.ForAssembly(typeof(DashboardWebApplication).Assembly.Location), sp.GetRequiredService<Interpreters>());
            var log = sp.GetRequiredService<ILogger<KernelSessions>>();
            sessions.StoreFailed += e => log.LogError("Could not write to the session store ({Path}): {Error}. What a server restart brings back is now behind.", options.DataDirectoryPath, e.Message);
            return sessions;
        });
        services.AddSingleton(sp => new Bufferscope.Core.Checks.CheckService(sp.GetRequiredService<KernelSessions>(), options));
        builder.AddBufferscopeSecurity(options);
        // The key ring is kept in the data directory, 0700, as a notebook server keeps its cookie
        // secret; Data Protection's warning that it is not encrypted at rest says only that.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        // Every refused request is answered, not logged: a client without a token must not be able to fill the log.
        builder.Logging.AddFilter("Bufferscope.Dashboard.Security", LogLevel.Warning);
        services.AddSingleton<HubLimits>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures (bad JSON, a query value that is not a number) become exceptions, so
        // they get the same problem+json answer as every other error.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // The document's title and description, as the API reference shows them (by default: the entry assembly's name).
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Bufferscope API";
            document.Info.Description = ApiReference.Description;
            return Task.CompletedTask;
        }));
        services.AddSignalR().AddMessagePackProtocol();
        services.AddSingleton<RunRateLimit>();
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = options.Limits.MaxTransferBytes);
        // The dashboard: one client per circuit, connected to this server (or Bufferscope:Dashboard:ServerUrl).
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton(new Model.ReadmeDocument(AppContext.BaseDirectory));
        services.AddSingleton(new Learn.LessonLibrary(AppContext.BaseDirectory));
        services.AddSingleton(sp => new Lazy<ServerEndpoint>(() => ServerEndpoint.Resolve(sp)));
        services.AddScoped<CircuitCredential>();
        services.AddScoped<Learn.LessonProgress>();
        services.AddScoped<IBufferscopeClient>(sp =>
        {
            var endpoint = sp.GetRequiredService<Lazy<ServerEndpoint>>().Value;
            // Another server: its configured token. This one: the circuit's own browser ticket.
            Func<ValueTask<string?>> credential = endpoint.Token is { } token ? () => ValueTask.FromResult<string?>(token) : sp.GetRequiredService<CircuitCredential>().GetAsync;
            return new BufferscopeClient(endpoint.BaseAddress, credential);
        });
        // Runs from the build output in every environment: its static web assets (MudBlazor, blazor.web.js) come from the build manifest.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.Limits.MaxTransferBytes + (1 << 16));

        var app = builder.Build();
        // Once the server is stopping, nothing new is served: Kestrel keeps listening until the
        // framework's own stopping work is done, and in that window a page's circuit and hub
        // reconnected to the dying server and said "live" (seen under load). Refused, the page
        // keeps saying the server is gone, and reconnects to the next one.
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use((context, next) =>
        {
            if (!stopping.IsCancellationRequested)
                return next(context);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.Connection = "close";
            return Task.CompletedTask;
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestChecks();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseSignIn();
        app.RequireTokenUnder(ApiReference.Path);
        app.UseAntiforgery();

        app.MapGet(HostCheck.HealthPath, (PythonInstallation python) => Results.Json(new
        {
            status = "ok",
            python = new
            {
                version = python.Version.ToString(),
                executable = python.Executable,
                library = python.Library,
            },
        })).AllowAnonymous().WithTags("Health"); // what run.sh waits on; says which interpreter, nothing of the sessions
        SessionsApi.Map(app);
        BuffersApi.Map(app);
        MemoryApi.Map(app);
        ConsoleApi.Map(app);
        ChecksApi.Map(app);
        RequestsApi.Map(app);
        StatusApi.Map(app);
        InterpretersApi.Map(app);
        app.MapOpenApi();
        ApiReference.Map(app);
        app.MapHub<BufferHub>(BufferHub.Path);
        // The UI's assets (MudBlazor, blazor.web.js) come from a build manifest named after the
        // entry assembly (the server, or a Razor test host that references it); the server's own
        // manifest is the fallback. A host with neither serves the API and hub only.
        var manifest = new[] { System.Reflection.Assembly.GetEntryAssembly(), typeof(DashboardWebApplication).Assembly }
            .Select(a => Path.Combine(AppContext.BaseDirectory, $"{a?.GetName().Name}.staticwebassets.endpoints.json"))
            .FirstOrDefault(File.Exists);
        if (manifest is not null)
            app.MapStaticAssets(manifest);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        if (options.Sessions.IdleTimeout is { } idle && idle > TimeSpan.Zero)
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                var expiry = new SessionExpiry(app.Services.GetRequiredService<KernelSessions>().DeleteIdleAsync, idle);
                expiry.Expired += (session, after) => app.Logger.LogWarning("Session '{Name}' ({Id}) deleted: idle for {Idle} (Bufferscope:Sessions:IdleTimeout)", session.Name, session.Id, after);
                app.Lifetime.ApplicationStopping.Register(expiry.Dispose);
            });
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (ConfigurationRefusedException e)
        {
            await Console.Error.WriteLineAsync($"bufferscope: refused to start: {e.Message}");
            return 4;
        }
        try
        {
            // The interpreter is probed at boot, not at the first session: a bad one is reported now.
            var interpreters = app.Services.GetRequiredService<Interpreters>();
            var sessions = app.Services.GetRequiredService<KernelSessions>();
            _ = sessions.Restored.ContinueWith(_ =>
            {
                foreach (var warning in sessions.RestoreWarnings)
                    app.Logger.LogWarning("Stored session not brought back: {Warning}", warning);
            }, TaskScheduler.Default);
            app.Logger.LogInformation("Kernels embed Python {Version} from {Library}", interpreters.Default.Version, interpreters.Default.Library);
            foreach (var broken in interpreters.All.Where(i => i.Error is not null))
                app.Logger.LogWarning("Interpreter {Executable} (Bufferscope:Python:Interpreters) does not work, and sessions cannot use it: {Error}", broken.Executable, broken.Error);
        }
        catch (PythonStartException e)
        {
            await Console.Error.WriteLineAsync($"bufferscope: cannot start Python: {e.Message}");
            return 2;
        }
        try
        {
            await app.StartAsync();
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Kestrel's own text is buried in a stack trace and the process would abort: say it once,
            // last. Disposing first flushes the console logger's queue, which still holds that trace.
            await app.DisposeAsync();
            await Console.Error.WriteLineAsync($"bufferscope: cannot listen: {e.Message} Stop what uses it, or choose another port with --urls http://127.0.0.1:<port>.");
            return 3;
        }
        // The start line, as a notebook server prints it: the address to open, signed in.
        var token = app.Services.GetRequiredService<AccessToken>();
        var url = ServerEndpoint.OwnAddress(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>());
        Console.WriteLine(token.Generated
            ? $"Bufferscope is running. Open {url}?{TokenSignIn.QueryKey}={token.Value}"
            : $"Bufferscope is running. Open {url}?{TokenSignIn.QueryKey}=... (the configured Bufferscope:AccessToken)");
        await app.WaitForShutdownAsync();
        // Stopped (Ctrl+C, SIGTERM): disposing the sessions asks every kernel to finalise its
        // Python and exit, and kills one that has not within a few seconds.
        await app.DisposeAsync();
        return 0;
    }
}
