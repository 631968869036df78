using Bufferscope.Core.Buffers;
using Bufferscope.Core.Live;
using Bufferscope.Core.Python;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core;

/// <summary>
/// Core, assembled: the interpreter, the bufferscope module, the memory budget, the exporter
/// registry, the live feed and the sessions. One per process, because CPython is: a second host
/// in the same process (tests) gets the same instance.
/// </summary>
public sealed class BufferscopeCore
{
    private static readonly Lock s_lock = new();
    private static BufferscopeCore? s_instance;

    public PythonRuntime Python { get; }
    public MemoryBudget Budget { get; }
    public ExporterRegistry Exporters { get; }
    public ExporterFactory Factory { get; }
    public EventFeed Events { get; }
    public SessionManager Sessions { get; }
    /// <summary>Runs check cases in this process's sessions.</summary>
    public Checks.CaseRunner Checks { get; }
    /// <summary>Puts chosen requests to this process's exporters.</summary>
    public Requests.RequestWorkbench Workbench { get; }
    public Requests.ViewHolders Holders { get; }
    public BufferscopeOptions Options { get; }

    private BufferscopeCore(BufferscopeOptions options, PythonInstallation? installation)
    {
        Options = options;
        Python = PythonRuntime.Start(options.Python, installation);
        Budget = new MemoryBudget(options.Limits.MaxBufferBytes, options.Limits.MaxTotalBytes);
        Exporters = new ExporterRegistry();
        Factory = new ExporterFactory(Budget, Exporters);
        Events = new EventFeed(options.FrameInterval);
        Sessions = new SessionManager(Python, Factory, Exporters, Events, options);
        Checks = new Checks.CaseRunner(Python, Sessions, Budget);
        Workbench = new Requests.RequestWorkbench(Python, Sessions, Exporters);
        Holders = new Requests.ViewHolders(Python, Sessions, Exporters);

        Factory.OnChanged = Events.Enlist;
        Factory.Created += e => Events.Publish(BufferEvent.Created(e));
        Factory.Freed += e => Events.Publish(new BufferEvent(BufferEventKind.BufferFreed, e.SessionId, e.Id, 0, null, CoarseClock.Now) { BufferName = e.Name });

        Python.RunAsync(() =>
        {
            BufferscopeModule.Install(Factory, () => Sessions.Running, Python.Installation.Version);
            Sessions.Install();
        }).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Starts Core once per process; later calls return it (their options must name the same
    /// Python). <paramref name="installation"/>: the options' executable, already probed.
    /// </summary>
    public static BufferscopeCore Start(BufferscopeOptions options, PythonInstallation? installation = null)
    {
        lock (s_lock)
        {
            if (s_instance is null)
                s_instance = new BufferscopeCore(options, installation);
            else
                PythonRuntime.Start(options.Python); // throws if another interpreter is asked for
            return s_instance;
        }
    }
}
