using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Checks;
using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bufferscope.Dashboard.Client;

/// <summary>
/// The dashboard's view of a server: HTTP for commands, one MessagePack hub connection for the
/// live streams. One per circuit.
///
/// Reconnection: the hub connection retries forever (0, 1, 2, then every 5 s). A stream broken
/// by a lost connection waits for the next connection and subscribes again, so a panel's
/// enumeration never ends on a network fault; the panel reloads its snapshot on
/// <see cref="StateChanged"/> to Connected, since events sent while away are gone.
/// </summary>
public sealed class BufferscopeClient : IBufferscopeClient, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly HubConnection _hub;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _disposed;

    /// <param name="credential">The bearer credential for each request and connection (the server's token, or the
    /// circuit's ticket), or null for a server that needs none.</param>
    public BufferscopeClient(Uri baseAddress, Func<ValueTask<string?>> credential)
    {
        _http = new HttpClient(new BearerHandler(credential) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, BufferHub.Path.TrimStart('/')), o => o.AccessTokenProvider = async () => await credential().ConfigureAwait(false))
            .AddMessagePackProtocol()
            .WithAutomaticReconnect(new ForeverRetryPolicy())
            .Build();
        _hub.Reconnecting += _ => { SetState(HubState.Reconnecting); return Task.CompletedTask; };
        _hub.Reconnected += _ => { SetState(HubState.Connected); return Task.CompletedTask; };
        _hub.Closed += async _ =>
        {
            // Closed only when the automatic reconnect gave up or the first start failed: keep trying.
            SetState(HubState.Disconnected);
            if (!_disposed)
                await ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        };
    }

    public HubState State { get; private set; } = HubState.Connecting;
    public event Action<HubState>? StateChanged;

    private void SetState(HubState state)
    {
        State = state;
        if (state == HubState.Connected)
            _connected.TrySetResult();
        else if (_connected.Task.IsCompleted)
            _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StateChanged?.Invoke(state);
    }

    // ---- HTTP -------------------------------------------------------------------------------

    public Task<IReadOnlyList<SessionDto>> ListSessionsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<SessionDto>>(HttpMethod.Get, "api/sessions", null, cancellationToken);

    public Task<SessionDto> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<SessionDto>(HttpMethod.Get, $"api/sessions/{Uri.EscapeDataString(sessionId)}", null, cancellationToken);

    public Task<SessionDto> CreateSessionAsync(string name, string? python = null, CancellationToken cancellationToken = default) =>
        SendAsync<SessionDto>(HttpMethod.Post, "api/sessions", JsonContent.Create(new CreateSessionRequest(name, python)), cancellationToken);

    public Task<IReadOnlyList<HistoryDto>> HistoryAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<HistoryDto>>(HttpMethod.Get, $"api/sessions/{Uri.EscapeDataString(sessionId)}/history", null, cancellationToken);

    public Task<IReadOnlyList<InterpreterDto>> ListInterpretersAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<InterpreterDto>>(HttpMethod.Get, "api/interpreters", null, cancellationToken);

    public Task DeleteSessionAsync(string sessionId, bool force, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/sessions/{Uri.EscapeDataString(sessionId)}?force={(force ? "true" : "false")}", null, cancellationToken);

    public Task<RestartDto> RestartSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<RestartDto>(HttpMethod.Post, $"api/sessions/{Uri.EscapeDataString(sessionId)}/restart", null, cancellationToken);

    public Task<IReadOnlyList<BufferDto>> ListBuffersAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<BufferDto>>(HttpMethod.Get, $"{Buffers(sessionId)}", null, cancellationToken);

    public Task<BufferDto> GetBufferAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default) =>
        SendAsync<BufferDto>(HttpMethod.Get, $"{Buffers(sessionId)}/{bufferId}", null, cancellationToken);

    public Task<BufferDto> CreateBufferAsync(string sessionId, BufferSpec spec, CancellationToken cancellationToken = default) =>
        SendAsync<BufferDto>(HttpMethod.Post, Buffers(sessionId), JsonContent.Create(spec, options: Json), cancellationToken);

    public Task FreeBufferAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"{Buffers(sessionId)}/{bufferId}", null, cancellationToken);

    public async Task<byte[]> ReadMemoryAsync(string sessionId, long bufferId, long offset, int length, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, $"{Buffers(sessionId)}/{bufferId}/memory?offset={offset}&length={length}", null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WriteMemoryAsync(string sessionId, long bufferId, long offset, byte[] data, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync(HttpMethod.Put, $"{Buffers(sessionId)}/{bufferId}/memory?offset={offset}", content, cancellationToken);
    }

    public Task<MemorySearchDto> SearchMemoryAsync(string sessionId, long bufferId, byte[] pattern, long from, CancellationToken cancellationToken = default) =>
        SendAsync<MemorySearchDto>(HttpMethod.Get, $"{Buffers(sessionId)}/{bufferId}/memory/search?bytes={Convert.ToHexString(pattern)}&from={from}", null, cancellationToken);

    public Task<IReadOnlyList<HeldView>> HoldersAsync(string sessionId, long bufferId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<HeldView>>(HttpMethod.Get, $"{Buffers(sessionId)}/{bufferId}/holders", null, cancellationToken);

    public Task<RunResponse> RunAsync(string sessionId, string code, CancellationToken cancellationToken = default) =>
        SendAsync<RunResponse>(HttpMethod.Post, $"api/sessions/{Uri.EscapeDataString(sessionId)}/run", JsonContent.Create(new RunRequest(code)), cancellationToken);

    public async Task<bool> InterruptAsync(string sessionId, CancellationToken cancellationToken = default) =>
        (await SendAsync<InterruptResponse>(HttpMethod.Post, $"api/sessions/{Uri.EscapeDataString(sessionId)}/interrupt", null, cancellationToken).ConfigureAwait(false)).Interrupted;

    public async Task<string> StartCheckAsync(string sessionId, CheckRequest request, CancellationToken cancellationToken = default) =>
        (await SendAsync<JsonElement>(HttpMethod.Post, Checks(sessionId), JsonContent.Create(request, options: Json), cancellationToken).ConfigureAwait(false))
            .GetProperty("id").GetString()!;

    public Task<CheckReport> GetCheckAsync(string sessionId, string checkId, CancellationToken cancellationToken = default) =>
        SendAsync<CheckReport>(HttpMethod.Get, $"{Checks(sessionId)}/{Uri.EscapeDataString(checkId)}", null, cancellationToken);

    public Task<IReadOnlyList<CheckReport>> ListChecksAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<CheckReport>>(HttpMethod.Get, Checks(sessionId), null, cancellationToken);

    public Task<CheckReport> CancelCheckAsync(string sessionId, string checkId, CancellationToken cancellationToken = default) =>
        SendAsync<CheckReport>(HttpMethod.Delete, $"{Checks(sessionId)}/{Uri.EscapeDataString(checkId)}", null, cancellationToken);

    public Task<RequestAnswer> AskRequestAsync(string sessionId, WorkbenchRequestDto request, CancellationToken cancellationToken = default) =>
        SendAsync<RequestAnswer>(HttpMethod.Post, $"api/sessions/{Uri.EscapeDataString(sessionId)}/request", JsonContent.Create(request, options: Json), cancellationToken);

    private static string Checks(string sessionId) => $"api/sessions/{Uri.EscapeDataString(sessionId)}/checks";

    private static string Buffers(string sessionId) => $"api/sessions/{Uri.EscapeDataString(sessionId)}/buffers";

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(new HttpRequestMessage(method, path) { Content = content }, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new BufferscopeApiException(0, "Server unreachable", $"The Bufferscope server at {_http.BaseAddress} is not answering ({e.Message}). It may be restarting; try again in a moment.", inner: e);
        }
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BufferscopeApiException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken).ConfigureAwait(false);
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            int? exports = problem.TryGetProperty("exports", out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt32() : null;
            return new BufferscopeApiException(status, title ?? response.ReasonPhrase ?? "Error", detail ?? $"The server answered {status} {response.ReasonPhrase}.", exports);
        }
        catch (JsonException)
        {
            return new BufferscopeApiException(status, response.ReasonPhrase ?? "Error", $"The server answered {status} {response.ReasonPhrase}.");
        }
    }

    // ---- hub --------------------------------------------------------------------------------

    public IAsyncEnumerable<HubEvent> EventsAsync(string sessionId, CancellationToken cancellationToken) =>
        ResubscribingAsync<HubEvent>("Events", [sessionId], cancellationToken);

    public IAsyncEnumerable<SessionUpdate> SubscribeAsync(string sessionId, CancellationToken cancellationToken) =>
        ResubscribingAsync<SessionUpdate>("Subscribe", [sessionId], cancellationToken);

    public IAsyncEnumerable<WatchFrame> WatchMemoryAsync(long bufferId, long offset, int length, CancellationToken cancellationToken) =>
        ResubscribingAsync<WatchFrame>("WatchMemory", [bufferId, offset, length], cancellationToken);

    public IAsyncEnumerable<PictureDto> WatchPictureAsync(long bufferId, int width, int height, CancellationToken cancellationToken) =>
        ResubscribingAsync<PictureDto>("WatchPicture", [bufferId, width, height], cancellationToken);

    private async IAsyncEnumerable<T> ResubscribingAsync<T>(string method, object?[] args, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var items = _hub.StreamAsyncCore<T>(method, args, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                bool more;
                try { more = await items.MoveNextAsync().ConfigureAwait(false); }
                catch (HubException) { throw; } // the server refused (unknown id, bad window): not a network fault
                catch (Exception) when (!cancellationToken.IsCancellationRequested && _hub.State != HubConnectionState.Connected)
                {
                    break; // connection lost: subscribe again once it is back
                }
                if (!more)
                    yield break; // the server ended it (the buffer was freed)
                yield return items.Current;
            }
        }
    }

    /// <summary>Starts the connection if nobody has, and waits until it is connected.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var delay = TimeSpan.Zero;
            while (_hub.State == HubConnectionState.Disconnected && !_disposed)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                try
                {
                    SetState(HubState.Connecting);
                    await _hub.StartAsync(cancellationToken).ConfigureAwait(false);
                    SetState(HubState.Connected);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    SetState(HubState.Disconnected);
                    delay = TimeSpan.FromSeconds(Math.Min(5, delay.TotalSeconds * 2 + 0.5));
                }
            }
        }
        finally { _starting.Release(); }
        await _connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _hub.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
        _starting.Dispose();
    }

    /// <summary>Sends the credential of the moment with every request: a circuit's ticket is renewed as it goes.</summary>
    private sealed class BearerHandler(Func<ValueTask<string?>> credential) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (await credential().ConfigureAwait(false) is { } value)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>0, 1, 2 s, then every 5 s, forever: a dashboard left open comes back by itself.</summary>
    private sealed class ForeverRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => retryContext.PreviousRetryCount switch
        {
            0 => TimeSpan.Zero,
            1 => TimeSpan.FromSeconds(1),
            2 => TimeSpan.FromSeconds(2),
            _ => TimeSpan.FromSeconds(5),
        };
    }
}
