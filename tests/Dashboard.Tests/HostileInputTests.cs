using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bufferscope.Dashboard.Tests;

/// <summary>
/// Thousands of malformed or hostile requests, generated from a fixed seed: wrong types, huge and
/// negative numbers, overflowing offset + length, unknown ids, oversized bodies, bad formats. Every
/// answer is a 4xx, never a 5xx, and afterwards the server still serves and its memory is accounted for.
/// </summary>
[Collection(HostileCollection.Name)]
public sealed class HostileInputTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Numbers =
        ["-1", "0", "1", "-9223372036854775808", "9223372036854775807", "18446744073709551616", "1e308", "NaN", "\"7\"", "null", "[]", "{}", "true", "3.5", "-0"];
    private static readonly string[] Strings =
        ["\"\"", "\"ii\"", "\"x\"", "\"T{i:a:}\"", "\"<n\"", "\"Z\"", "\"\\u0000\"", "5", "null", "[\"B\"]", $"\"{new string('B', 5000)}\"", "\"../../etc\"", "\"<script>\""];

    [Fact]
    public async Task ThousandsOfBadRequests_AllGet4xx_AndTheServerStaysWhole()
    {
        var s = await server.NewSessionAsync("hostile");
        var b = await server.NewBufferAsync(s.Id, new { name = "target", shape = new[] { 64 } });
        var usedBefore = await BufferBytesAsync();
        var random = new Random(3118);
        string Pick(string[] from) => from[random.Next(from.Length)];

        var requests = new List<HttpRequestMessage>(); // built here, on one thread: Random is not thread-safe
        for (var i = 0; i < 2500; i++)
        {
            var kind = i % 10;
            requests.Add(kind switch
            {
                0 => Json("POST", $"/api/sessions/{s.Id}/buffers", $$"""{"name": "n{{random.Next()}}", "format": {{Pick(Strings)}}, "shape": [{{Pick(Numbers)}}]}"""),
                1 => Json("POST", $"/api/sessions/{s.Id}/buffers", $$"""{"name": "n{{random.Next()}}", "shape": [{{Pick(Numbers)}}, {{Pick(Numbers)}}], "strides": [{{Pick(Numbers)}}], "offset": {{Pick(Numbers)}}}"""),
                2 => Json("POST", $"/api/sessions/{s.Id}/buffers", $$$"""{"name": {{{Pick(Strings)}}}, "shape": {{{Pick(Numbers)}}}, "fill": {"kind": {{{Pick(Strings)}}}, "pattern": {{{Pick(Strings)}}}}, "source": {"kind": {{{Pick(Strings)}}}, "name": {{{Pick(Strings)}}}}}"""),
                3 => new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{s.Id}/buffers/{b.Id}/memory?offset={Pick(Numbers).Trim('"')}&length={Pick(Numbers).Trim('"')}"),
                4 => new HttpRequestMessage(HttpMethod.Put, $"/api/sessions/{s.Id}/buffers/{b.Id}/memory?offset={random.Next(-100, 200)}") { Content = new ByteArrayContent(new byte[random.Next(0, 300)]) },
                5 => new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{Pick(["nope", "", "%00", "..", new string('a', 3000)])}/buffers/{random.NextInt64()}"),
                6 => new HttpRequestMessage(HttpMethod.Delete, $"/api/sessions/{s.Id}/buffers/{random.NextInt64(100_000, long.MaxValue)}"),
                7 => Json("POST", "/api/sessions", Pick(["{", "[]", "{\"name\": 1}", "\"x\"", "{\"name\": null}", $"{{\"name\": \"{new string('n', 100)}\"}}"])),
                8 => Json("POST", $"/api/sessions/{s.Id}/run", Pick(["{\"code\": 1}", "{\"code\": [\"x\"]}", "{", "null"])),
                _ => Json("POST", $"/api/sessions/{s.Id}/buffers", "{\"name\": \"big\", \"shape\": [" + string.Join(",", Enumerable.Repeat("2", 70)) + "]}"),
            });
        }

        var statuses = new System.Collections.Concurrent.ConcurrentBag<(int Status, string Body)>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (request, ct) =>
        {
            using var response = await server.Http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            statuses.Add((status, status >= 500 || status < 400 ? await response.Content.ReadAsStringAsync(ct) : ""));
            request.Dispose();
        });

        var wrong = statuses.Where(x => x.Status is < 400 or >= 500).ToList();
        // PUTs inside the allocation and a few lucky specs are legitimately 2xx; nothing may be 5xx.
        Assert.DoesNotContain(statuses, x => x.Status >= 500);
        Assert.True(statuses.Count(x => x.Status is >= 400 and < 500) > 2000, $"{wrong.Count} not 4xx: {string.Join("; ", wrong.Take(3))}");

        // Still serving, and every byte reserved belongs to a buffer that exists.
        Assert.Equal("2", (await server.RunAsync(s.Id, "1 + 1")).Result);
        var buffers = await server.Http.GetFromJsonAsync<Api.Contracts.BufferDto[]>($"/api/sessions/{s.Id}/buffers", ServerFixture.Json, Ct);
        var created = buffers!.Where(x => x.Id != b.Id).Sum(x => x.Allocation);
        Assert.Equal(usedBefore + created, await BufferBytesAsync());
    }

    [Fact]
    public async Task HubCallsWithBadArguments_AreErrorsNotCrashes()
    {
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        foreach (var (bufferId, offset, length) in new[] { (-1L, 0L, 1), (long.MaxValue, 0L, 1), (1L, long.MaxValue, int.MaxValue), (1L, -5L, -5) })
        {
            await Assert.ThrowsAsync<HubException>(async () =>
            {
                await foreach (var _ in hub.StreamAsync<Hubs.WatchFrame>("WatchMemory", bufferId, offset, length, Ct)) { }
            });
        }
        await Assert.ThrowsAsync<HubException>(async () => await hub.InvokeAsync<int>("NoSuchMethod", Ct));
        var huge = new string('x', 100_000); // over SignalR's 32 KiB message limit: the server closes this connection only
        try { await foreach (var _ in hub.StreamAsync<Hubs.HubEvent>("Events", huge, Ct)) { } }
        catch (Exception e) when (e is HubException or InvalidOperationException or OperationCanceledException or System.IO.IOException) { }
        await using var fresh = server.Hub();
        await fresh.StartAsync(Ct); // and the server still takes new ones
        Assert.Equal(HubConnectionState.Connected, fresh.State);
    }

    /// <summary>
    /// Requests that each try one way past the web protections, generated from a fixed seed: a
    /// foreign Host (DNS rebinding), a foreign Origin, a wrong token, a forged cookie, a token in
    /// the wrong place. Each has the one answer its protection gives; removing any protection
    /// turns some of them into 2xx.
    /// </summary>
    [Fact]
    public async Task HostileRequests_AgainstEachProtection_AreAllRefused()
    {
        var s = await server.NewSessionAsync("hostile-web");
        var token = server.Server.Token;
        var port = server.BaseAddress.Port;
        var random = new Random(10);
        string[] paths = ["/", "/api/sessions", $"/api/sessions/{s.Id}/run", "/hubs/buffers/negotiate?negotiateVersion=1", "/_blazor/negotiate?negotiateVersion=1", "/openapi/v1.json", $"/sessions/{s.Id}", "/api/status"];
        string[] hosts = ["evil.example", $"evil.example:{port}", "localhost.evil.example", "127.0.0.1.nip.io", "xn--80ak6aa92e.com", "10.0.0.1", "192.168.1.20", "0x7f000001", "2130706433", "127.1", "[fe80::1]", "loca1host"];
        string[] origins = ["http://evil.example", "null", $"http://127.0.0.1:{port + 1}", $"https://127.0.0.1:{port}", $"http://localhost.evil.example:{port}", "file://", $"http://127.0.0.1:{port}.evil.example", "chrome-extension://abc"];
        string Wrong() => random.Next(6) switch
        {
            0 => token[..^1],
            1 => token + "0",
            2 => token.ToUpperInvariant(),
            3 => new string('0', token.Length),
            4 => "",
            _ => TestServer.NewToken(),
        };

        var cases = new List<(string Kind, HttpRequestMessage Request, int Expected)>();
        for (var i = 0; i < 600; i++)
        {
            var path = paths[random.Next(paths.Length)];
            var request = new HttpRequestMessage(path.Contains("/run") || path.Contains("negotiate") ? HttpMethod.Post : HttpMethod.Get, path);
            if (request.Method == HttpMethod.Post)
                request.Content = JsonContent.Create(new { code = "hacked = __import__('os').getpid()" });
            switch (i % 5)
            {
                case 0:
                    request.Headers.Authorization = new("Bearer", token);
                    request.Headers.Host = hosts[random.Next(hosts.Length)];
                    cases.Add(("host", request, 403));
                    break;
                case 1:
                    request.Headers.Authorization = new("Bearer", token);
                    request.Headers.Add("Origin", origins[random.Next(origins.Length)]);
                    cases.Add(("origin", request, 403));
                    break;
                case 2:
                    var wrong = Wrong();
                    if (random.Next(2) == 0) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + wrong);
                    else request.Headers.TryAddWithoutValidation("Authorization", random.Next(2) == 0 ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + token)) : token);
                    cases.Add(("token", request, 401));
                    break;
                case 3:
                    request.Headers.Add("Cookie", $"bufferscope_ticket={(random.Next(3) == 0 ? token : Convert.ToBase64String(Encoding.UTF8.GetBytes(Wrong())) + "CfDJ8")}");
                    cases.Add(("cookie", request, 401));
                    break;
                default:
                    // The token where it is not taken: access_token off the hub, ?token= on anything but a page load.
                    request.RequestUri = new Uri(path + (path.Contains('?') ? "&" : "?") + (path.StartsWith("/hubs", StringComparison.Ordinal) ? "token=" : "access_token=") + token, UriKind.Relative);
                    if (request.Method == HttpMethod.Get && !path.StartsWith("/hubs", StringComparison.Ordinal))
                        request.RequestUri = new Uri(path + (path.Contains('?') ? "&" : "?") + "access_token=" + token, UriKind.Relative);
                    cases.Add(("placement", request, 401));
                    break;
            }
        }

        using var anonymous = server.Server.Client(withToken: false);
        var wrongAnswers = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (c, ct) =>
        {
            using var response = await anonymous.SendAsync(c.Request, ct);
            if ((int)response.StatusCode != c.Expected)
                wrongAnswers.Add($"{c.Kind}: {c.Request.Method} {c.Request.RequestUri} Host={c.Request.Headers.Host} Origin={string.Join(",", c.Request.Headers.TryGetValues("Origin", out var o) ? o : [])} -> {(int)response.StatusCode}");
            c.Request.Dispose();
        });
        Assert.True(wrongAnswers.IsEmpty, $"{wrongAnswers.Count} of {cases.Count} not refused as expected: {string.Join("; ", wrongAnswers.Take(5))}");
        // Nothing ran: no snippet got to bind its name.
        Assert.Equal("False", (await server.RunAsync(s.Id, "'hacked' in globals()")).Result);
    }

    [Fact]
    public async Task HubLimits_ManyStreamsOnOneConnection_OnlyTheAllowanceRuns()
    {
        var s = await server.NewSessionAsync("hostile-hub");
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var outcomes = new List<Task<string>>();
        for (var i = 0; i < 100; i++)
            outcomes.Add(Outcome(hub.StreamAsync<Hubs.HubEvent>("Events", s.Id, stop.Token)));
        // Refusals come back at once; the 32 allowed stay open until cancelled. Wait for 68 to end,
        // then end the rest: exactly 68 were refusals, naming the limit, and 32 ran.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (outcomes.Count(o => o.IsCompleted) < 100 - 32)
        {
            var left = ServerFixture.Timeout - clock.Elapsed;
            Assert.True(left > TimeSpan.Zero, $"only {outcomes.Count(o => o.IsCompleted)} of 100 streams were refused");
            await Task.WhenAny(outcomes.Where(o => !o.IsCompleted).Append(Task.Delay(left, Ct)));
        }
        await stop.CancelAsync();
        var results = await Task.WhenAll(outcomes);
        Assert.Equal(100 - 32, results.Count(r => r.Contains("Bufferscope:Limits:MaxStreamsPerConnection", StringComparison.Ordinal)));
        Assert.Equal(32, results.Count(r => r == "cancelled"));

        static async Task<string> Outcome(IAsyncEnumerable<Hubs.HubEvent> stream)
        {
            try { await foreach (var _ in stream) { } return "ended"; }
            catch (HubException e) { return e.Message; }
            catch (OperationCanceledException) { return "cancelled"; }
        }
    }

    /// <summary>Bytes of every buffer of every session, as their kernels count them.</summary>
    private async Task<long> BufferBytesAsync() =>
        (await server.Http.GetFromJsonAsync<Api.Contracts.StatusDto>("/api/status", ServerFixture.Json, Ct))!.BufferBytes;

    private static HttpRequestMessage Json(string method, string path, string body) =>
        new(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}

/// <summary>The hostile run reads the server's buffer bytes: nothing else may allocate meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileCollection
{
    public const string Name = "Hostile";
}
