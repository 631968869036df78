using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;
using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;

namespace Bufferscope.Dashboard.Client;

/// <summary>
/// What the dashboard's components know of a Bufferscope server: the HTTP API for commands and
/// the hub for everything live, exactly as any outside client sees them. One per circuit; bunit
/// tests replace it with a fake. Failures surface as <see cref="BufferscopeApiException"/>, whose
/// message is the server's own explanation.
/// </summary>
public interface IBufferscopeClient
{
    /// <summary>The hub connection's state; panels show it and reload their snapshot on reconnect.</summary>
    HubState State { get; }
    event Action<HubState>? StateChanged;

    /// <summary>Connects the hub if nobody has yet, and completes once connected.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<SessionDto>> ListSessionsAsync(CancellationToken cancellationToken = default);
    Task<SessionDto> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default);
    /// <summary>A session on <paramref name="python"/> (an executable <see cref="ListInterpretersAsync"/> lists; null: the default).</summary>
    Task<SessionDto> CreateSessionAsync(string name, string? python = null, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<InterpreterDto>> ListInterpretersAsync(CancellationToken cancellationToken = default);
    /// <summary>The session's console runs, oldest first, as the server keeps them across restarts.</summary>
    Task<IReadOnlyList<HistoryDto>> HistoryAsync(string sessionId, CancellationToken cancellationToken = default);
    Task DeleteSessionAsync(string sessionId, bool force, CancellationToken cancellationToken = default);
    /// <summary>A fresh kernel for the session, its buffers bound again over the same memory.</summary>
    Task<RestartDto> RestartSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BufferDto>> ListBuffersAsync(string sessionId, CancellationToken cancellationToken = default);
    Task<BufferDto> GetBufferAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default);
    Task<BufferDto> CreateBufferAsync(string sessionId, BufferSpec spec, CancellationToken cancellationToken = default);
    Task FreeBufferAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default);

    /// <summary>Each live view of the buffer with the objects holding it: asked when views are shown, as it scans the kernel's objects.</summary>
    Task<IReadOnlyList<HeldView>> HoldersAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default);

    Task<byte[]> ReadMemoryAsync(string sessionId, long bufferId, long offset, int length, CancellationToken cancellationToken = default);
    Task WriteMemoryAsync(string sessionId, long bufferId, long offset, byte[] data, CancellationToken cancellationToken = default);
    /// <summary>Where <paramref name="pattern"/> first occurs in the whole allocation at or after <paramref name="from"/>, wrapping to the start.</summary>
    Task<MemorySearchDto> SearchMemoryAsync(string sessionId, long bufferId, byte[] pattern, long from, CancellationToken cancellationToken = default);

    Task<RunResponse> RunAsync(string sessionId, string code, CancellationToken cancellationToken = default);
    Task<bool> InterruptAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Starts a check on the session; its id. Its progress comes on the session's feed (checkProgressed).</summary>
    Task<string> StartCheckAsync(string sessionId, CheckRequest request, CancellationToken cancellationToken = default);
    /// <summary>A check with its findings, as it is now.</summary>
    Task<CheckReport> GetCheckAsync(string sessionId, string checkId, CancellationToken cancellationToken = default);
    /// <summary>The session's checks the server still keeps, newest first.</summary>
    Task<IReadOnlyList<CheckReport>> ListChecksAsync(string sessionId, CancellationToken cancellationToken = default);
    /// <summary>Cancels a running check; the check as it ended.</summary>
    Task<CheckReport> CancelCheckAsync(string sessionId, string checkId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The request workbench: what the exporter (a buffer of the session, or an expression in it)
    /// fills for exactly these flags, beside CPython's reference exporter. A refusal by the
    /// exporter is an answer (<see cref="RequestAnswer.Error"/>); a request the server cannot put
    /// (no such buffer, an expression that raises, bad flags) is a <see cref="BufferscopeApiException"/>.
    /// </summary>
    Task<RequestAnswer> AskRequestAsync(string sessionId, WorkbenchRequestDto request, CancellationToken cancellationToken = default);

    /// <summary>The session's events, resubscribed after a reconnect, until cancelled.</summary>
    IAsyncEnumerable<HubEvent> EventsAsync(string sessionId, CancellationToken cancellationToken);
    /// <summary>The session's state, then batches of changes to it; after a lost connection, a new snapshot first.</summary>
    IAsyncEnumerable<SessionUpdate> SubscribeAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>A window's frames: its bytes first, then each change; resubscribed after a reconnect.</summary>
    IAsyncEnumerable<WatchFrame> WatchMemoryAsync(long bufferId, long offset, int length, CancellationToken cancellationToken);

    /// <summary>A 2-D buffer's picture as at most width × height cells: at once, then each change; resubscribed after a reconnect.</summary>
    IAsyncEnumerable<PictureDto> WatchPictureAsync(long bufferId, int width, int height, CancellationToken cancellationToken);
}
