using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;
using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Client;
using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Ui.Tests.Components;

/// <summary>
/// The live feed faked for component tests: tests push events and frames, and set what the HTTP
/// calls answer. Everything else about the components is real.
/// </summary>
public sealed class FakeBufferscopeClient : IBufferscopeClient
{
    private readonly List<Channel<HubEvent>> _eventSubscribers = [];
    private readonly Lock _lock = new();

    public List<SessionDto> Sessions { get; } = [];
    public Dictionary<long, BufferDto> Buffers { get; } = [];
    public List<BufferSpec> Created { get; } = [];
    public List<string> Runs { get; } = [];
    public List<(long Buffer, long Offset, byte[] Data)> Writes { get; } = [];
    public List<(long Buffer, long Offset, int Length)> Watches { get; } = [];
    public Func<BufferSpec, BufferDto>? OnCreate { get; set; }
    public Func<string, RunResponse> OnRun { get; set; } = code => new RunResponse(true, "", "", null, null, 1, false);
    public Exception? FreeFails { get; set; }
    public Channel<WatchFrame> Frames { get; } = Channel.CreateUnbounded<WatchFrame>();
    public Channel<PictureDto> Pictures { get; } = Channel.CreateUnbounded<PictureDto>();

    public HubState State { get; private set; } = HubState.Connected;
    public event Action<HubState>? StateChanged;

    public void SetState(HubState state) { State = state; StateChanged?.Invoke(state); }

    public int EventSubscribers { get { lock (_lock) return _eventSubscribers.Count; } }

    public void Publish(HubEvent e)
    {
        lock (_lock)
            foreach (var s in _eventSubscribers) s.Writer.TryWrite(e);
    }

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<SessionDto>> ListSessionsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<SessionDto>>([.. Sessions]);
    public Task<SessionDto> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Sessions.FirstOrDefault(s => s.Id == sessionId) ?? throw new BufferscopeApiException(404, "Not Found", $"no session with id '{sessionId}'"));
    public List<HistoryDto> History { get; } = [];
    public Task<IReadOnlyList<HistoryDto>> HistoryAsync(string sessionId, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<HistoryDto>>([.. History]);
    public List<InterpreterDto> Interpreters { get; } = [new("/usr/bin/python3", "3.11.2", true, false, null)];
    public Task<IReadOnlyList<InterpreterDto>> ListInterpretersAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<InterpreterDto>>([.. Interpreters]);
    public Task<SessionDto> CreateSessionAsync(string name, string? python = null, CancellationToken cancellationToken = default)
    {
        var s = new SessionDto(Guid.NewGuid().ToString("N")[..12], name, DateTimeOffset.Now);
        Sessions.Add(s);
        return Task.FromResult(s);
    }
    public Task DeleteSessionAsync(string sessionId, bool force, CancellationToken cancellationToken = default) => Task.CompletedTask;
    public int Restarts;
    public Task<RestartDto> RestartSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Restarts++;
        return Task.FromResult(new RestartDto(new SessionDto(sessionId, "s", DateTimeOffset.UtcNow, new KernelDto("idle", 2, null, null)), [], []));
    }
    public Task<IReadOnlyList<BufferDto>> ListBuffersAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<BufferDto>>([.. Buffers.Values.OrderBy(b => b.Id)]);
    public Task<BufferDto> GetBufferAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Buffers.TryGetValue(bufferId, out var b) ? b : throw new BufferscopeApiException(404, "Not Found", $"no buffer with id {bufferId}"));
    public Task<BufferDto> CreateBufferAsync(string sessionId, BufferSpec spec, CancellationToken cancellationToken = default)
    {
        Created.Add(spec);
        return Task.FromResult(OnCreate?.Invoke(spec) ?? throw new BufferscopeApiException(400, "Bad Request", "not set up"));
    }
    public Task FreeBufferAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default) =>
        FreeFails is { } e ? Task.FromException(e) : Task.CompletedTask;
    /// <summary>What HoldersAsync answers for a buffer id (nothing, unless a test says).</summary>
    public Func<long, IReadOnlyList<Bufferscope.Core.Requests.HeldView>> OnHolders { get; set; } = _ => [];
    public Task<IReadOnlyList<Bufferscope.Core.Requests.HeldView>> HoldersAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default) =>
        Task.FromResult(OnHolders(bufferId));
    public Task<byte[]> ReadMemoryAsync(string sessionId, long bufferId, long offset, int length, CancellationToken cancellationToken = default) => Task.FromResult(new byte[length]);
    public Task<MemorySearchDto> SearchMemoryAsync(string sessionId, long bufferId, byte[] pattern, long from, CancellationToken cancellationToken = default) =>
        Task.FromResult(new MemorySearchDto(null, false, 0));
    public Task WriteMemoryAsync(string sessionId, long bufferId, long offset, byte[] data, CancellationToken cancellationToken = default)
    {
        Writes.Add((bufferId, offset, data));
        return Task.CompletedTask;
    }
    public Task<RunResponse> RunAsync(string sessionId, string code, CancellationToken cancellationToken = default)
    {
        Runs.Add(code);
        return Task.FromResult(OnRun(code));
    }
    public Task<bool> InterruptAsync(string sessionId, CancellationToken cancellationToken = default) => Task.FromResult(false);

    /// <summary>Checks as the server keeps them: what GET .../checks/{id} answers, and the list (newest last here, first as listed).</summary>
    public Dictionary<string, CheckReport> Checks { get; } = [];
    public List<CheckRequest> ChecksStarted { get; } = [];
    /// <summary>What POST .../checks answers: an id, or a refusal thrown.</summary>
    public Func<CheckRequest, Task<string>> OnStartCheck { get; set; } = _ => Task.FromResult("c1");
    /// <summary>GET .../checks/{id} calls, each check's report fetched.</summary>
    public int CheckFetches;
    /// <summary>Awaited after a GET of a report has read it and before it answers: an answer late on the network.</summary>
    public Func<Task>? BeforeCheckAnswer { get; set; }
    public List<string> ChecksCancelled { get; } = [];

    public Task<string> StartCheckAsync(string sessionId, CheckRequest request, CancellationToken cancellationToken = default)
    {
        ChecksStarted.Add(request);
        return OnStartCheck(request);
    }
    public async Task<CheckReport> GetCheckAsync(string sessionId, string checkId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref CheckFetches);
        var report = Checks.TryGetValue(checkId, out var r) ? r : throw new BufferscopeApiException(404, "Not found", $"no check with id '{checkId}' on session '{sessionId}'");
        if (BeforeCheckAnswer is { } late)
            await late();
        return report;
    }
    public Task<IReadOnlyList<CheckReport>> ListChecksAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CheckReport>>([.. Checks.Values.Reverse()]);
    public Task<CheckReport> CancelCheckAsync(string sessionId, string checkId, CancellationToken cancellationToken = default)
    {
        ChecksCancelled.Add(checkId);
        var cancelled = Checks[checkId] with { State = CheckStates.Cancelled };
        Checks[checkId] = cancelled;
        return Task.FromResult(cancelled);
    }

    /// <summary>Workbench requests as sent, in order.</summary>
    public List<WorkbenchRequestDto> Asked { get; } = [];
    /// <summary>What POST .../request answers: an answer, or a refusal thrown (a <see cref="BufferscopeApiException"/>, as the real client throws a 400's detail).</summary>
    public Func<WorkbenchRequestDto, Task<RequestAnswer>> OnAsk { get; set; } =
        _ => Task.FromException<RequestAnswer>(new BufferscopeApiException(400, "Invalid buffer", "not set up"));

    public Task<RequestAnswer> AskRequestAsync(string sessionId, WorkbenchRequestDto request, CancellationToken cancellationToken = default)
    {
        Asked.Add(request);
        return OnAsk(request);
    }

    public async IAsyncEnumerable<HubEvent> EventsAsync(string sessionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<HubEvent>();
        lock (_lock) _eventSubscribers.Add(channel);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
                yield return e;
        }
        finally { lock (_lock) _eventSubscribers.Remove(channel); }
    }

    /// <summary>A snapshot of <see cref="Sessions"/> and <see cref="Buffers"/> as they are now, then each published event as a batch of one.</summary>
    public async IAsyncEnumerable<SessionUpdate> SubscribeAsync(string sessionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<HubEvent>();
        lock (_lock) _eventSubscribers.Add(channel);
        try
        {
            var session = Sessions.FirstOrDefault(s => s.Id == sessionId) ?? new SessionDto(sessionId, "demo", DateTimeOffset.Now);
            yield return new SessionUpdate(new SessionSnapshotDto(session, [.. Buffers.Values.OrderBy(b => b.Id)]), null);
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
                yield return new SessionUpdate(null, [e]);
        }
        finally { lock (_lock) _eventSubscribers.Remove(channel); }
    }

    public async IAsyncEnumerable<WatchFrame> WatchMemoryAsync(long bufferId, long offset, int length, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (_lock) Watches.Add((bufferId, offset, length));
        await foreach (var f in Frames.Reader.ReadAllAsync(cancellationToken))
            yield return f;
    }

    public async IAsyncEnumerable<PictureDto> WatchPictureAsync(long bufferId, int width, int height, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var p in Pictures.Reader.ReadAllAsync(cancellationToken))
            yield return p;
    }

    public static BufferDto Buffer(long id, string name, string format = "B", long[]? shape = null, int exports = 0, IReadOnlyList<ViewDto>? views = null, bool readOnly = false)
    {
        var f = StructFormat.Parse(format);
        shape ??= [4, 4];
        var strides = BufferLayout.ContiguousStrides(shape, f.ItemSize, false);
        var nbytes = shape.Aggregate(1L, (a, b) => a * b) * f.ItemSize;
        return new BufferDto(id, name, format, f.ItemSize, shape, strides, 0, nbytes, "C", readOnly,
            new SourceDto("native", null, null, false), 0x7f0000001000, nbytes, exports, views ?? [], "s1", DateTimeOffset.Now);
    }

    /// <summary>A checkProgressed: <paramref name="counts"/> as "passed=3,wrong=1" (every other kind 0).</summary>
    public static HubEvent Progress(string checkId, string state, int done, int total, int findings, string counts = "") =>
        new("checkProgressed", "s1", null, null, null, DateTimeOffset.Now, 1, null, null, null, null, null,
            Check: new HubCheck(checkId, state, total, done, Counts(counts), findings));

    public static CheckReport Report(string checkId, string state, int done, int total, string counts = "", IReadOnlyList<Finding>? findings = null, string? error = null, string target = "c_order") =>
        new(checkId, "s1", "consumer", target, null, CaseSet.Quick, 1, state, total, done, Counts(counts), findings ?? [], error, DateTimeOffset.Now, 1234.5);

    private static Dictionary<string, int> Counts(string counts)
    {
        var all = CheckKinds.All.ToDictionary(k => k, _ => 0);
        foreach (var pair in counts.Split(',', StringSplitOptions.RemoveEmptyEntries))
            all[pair.Split('=')[0]] = int.Parse(pair.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        return all;
    }

    public static HubEvent Event(string kind, long bufferId, string name, int exports, ViewDto? view = null, BufferDto? buffer = null, long? viewId = null) =>
        new(kind, "s1", bufferId, exports, view, DateTimeOffset.Now, 1, name, viewId ?? view?.Id, null, null, null, Buffer: buffer);
}
