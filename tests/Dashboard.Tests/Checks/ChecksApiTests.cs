using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bufferscope.Dashboard.Tests.Checks;

/// <summary>
/// Checks through the API, on a real server whose check kernels are real processes: consumers
/// written for the purpose, each with one known defect, are found with the right kind and shrunk;
/// a crash is a finding and the check goes on; the session's own kernel never notices.
/// </summary>
public sealed class ChecksApiTests : IAsyncLifetime
{
    private const string Consumers = """
        import ctypes
        import numpy as np

        def total(b):
            return np.asarray(b).sum()

        def c_order(b):
            a = np.asarray(b)
            return np.frombuffer(ctypes.string_at(a.ctypes.data, a.nbytes), a.dtype).reshape(a.shape).tolist()

        def crashes_on_negative(b):
            m = memoryview(b)
            if m.format == "d" and any(s < 0 for s in m.strides):
                ctypes.string_at(0)
            return m.nbytes

        def past_end(b):
            # Writes a terminating zero after the data, as C string code does: past the end.
            a = np.asarray(b)
            if a.flags.writeable and a.flags.c_contiguous:
                ctypes.memset(a.ctypes.data + a.nbytes, 0, 1)

        def into_readonly(b):
            a = np.asarray(b)
            if a.size:
                ctypes.memset(a.ctypes.data, 0x11, 1)  # through the pointer: numpy's own write would refuse

        kept = []
        def keeps(b):
            kept.append(memoryview(b))
            return len(kept[-1])

        import time
        def stalls(b):
            m = memoryview(b)
            if m.format == "d" and m.ndim == 2 and m.strides[0] < 0:
                time.sleep(60)
            return m.nbytes

        def ignores_interrupt(b):
            m = memoryview(b)
            if m.format == "d" and m.ndim == 2 and m.strides[0] < 0:
                while True:
                    try:
                        time.sleep(60)
                    except KeyboardInterrupt:
                        pass
            return m.nbytes
        """;

    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync("--Bufferscope:Kernels:Warm=1", "--Bufferscope:Kernels:KillGrace=00:00:00.500");
        _http = _server.Client();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<string> SessionWithConsumersAsync()
    {
        var session = await (await _http.PostAsJsonAsync("/api/sessions", new { name = "checks" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = session.GetProperty("id").GetString()!;
        var run = await (await _http.PostAsJsonAsync($"/api/sessions/{id}/run", new { code = Consumers })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(run.GetProperty("ok").GetBoolean(), run.ToString());
        return id;
    }

    private async Task<JsonElement> CheckAsync(string session, object request, TimeSpan timeout)
    {
        var started = await _http.PostAsJsonAsync($"/api/sessions/{session}/checks", request);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var report = await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}/checks/{id}");
            if (report.GetProperty("state").GetString() != "running")
                return report;
            Assert.True(DateTime.UtcNow < until, $"the check is still running after {timeout}: {report}");
            await Task.Delay(100);
        }
    }

    private static int Count(JsonElement report, string kind) => report.GetProperty("counts").GetProperty(kind).GetInt32();

    [Fact]
    public async Task A_correct_consumer_gives_no_finding()
    {
        var session = await SessionWithConsumersAsync();
        var report = await CheckAsync(session, new { target = "total", cases = "quick", seed = 1, caseTimeoutMs = 20_000 }, TimeSpan.FromSeconds(60));
        Assert.Equal("done", report.GetProperty("state").GetString());
        Assert.Equal(0, report.GetProperty("findings").GetArrayLength());
        Assert.Equal(report.GetProperty("total").GetInt32(), report.GetProperty("done").GetInt32());
        Assert.True(Count(report, "passed") > 200, report.ToString());
    }

    [Fact]
    public async Task A_consumer_that_assumes_C_order_is_found_and_shrunk()
    {
        var session = await SessionWithConsumersAsync();
        var report = await CheckAsync(session, new { target = "c_order", cases = "quick", caseTimeoutMs = 20_000 }, TimeSpan.FromSeconds(60));
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal("wrong", f.GetProperty("kind").GetString()));
        var first = findings[0];
        Assert.True(first.GetProperty("layout").GetProperty("shape").GetArrayLength() <= 2, first.ToString());
        Assert.StartsWith("c_order(bufferscope.MemBuf(", first.GetProperty("repro").GetString());
    }

    [Fact]
    public async Task A_crash_is_a_finding_and_the_check_goes_on()
    {
        var session = await SessionWithConsumersAsync();
        // A generous case limit: on a loaded machine a slow case must not pass for a hang here.
        var report = await CheckAsync(session, new { target = "crashes_on_negative", cases = "quick", caseTimeoutMs = 20_000 }, TimeSpan.FromSeconds(180));
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.Equal("done", report.GetProperty("state").GetString());
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        Assert.All(findings, f => Assert.Equal("crash", f.GetProperty("kind").GetString()));
        // Shrunk to one item of 'd' with a negative stride (and apart, none with a negative stride).
        var crash = findings[0];
        Assert.Contains("SIGSEGV", crash.GetProperty("detail").GetString());
        Assert.Contains("File \"In [1]\", line 14 in crashes_on_negative", crash.GetProperty("traceback").GetString());
        Assert.Equal("crashes_on_negative(bufferscope.MemBuf(shape=(1,), format=\"d\", strides=(-8,)))", crash.GetProperty("repro").GetString());
        Assert.True(findings.Count <= 2, report.ToString());
        Assert.Equal(Count(report, "crash"), findings.Sum(f => f.GetProperty("cases").GetInt32()));
        Assert.True(Count(report, "passed") > 100);
        // The session's own kernel never ran the code under test.
        var ct = TestContext.Current.CancellationToken;
        var run = await (await _http.PostAsJsonAsync($"/api/sessions/{session}/run", new { code = "1 + 1" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("2", run.GetProperty("result").GetString());
    }

    [Theory]
    [InlineData("past_end", "oob-write", "past_end(bufferscope.MemBuf(shape=(), format=\"B\"))")]
    [InlineData("into_readonly", "readonly-write", "into_readonly(bufferscope.MemBuf(shape=(), format=\"B\", readonly=True))")]
    [InlineData("keeps", "leaked-export", "keeps(bufferscope.MemBuf(shape=(), format=\"B\"))")]
    public async Task A_defect_is_found_with_its_kind_and_shrunk_to_a_single_item(string target, string kind, string repro)
    {
        var session = await SessionWithConsumersAsync();
        var report = await CheckAsync(session, new { target, cases = "quick", caseTimeoutMs = 20_000 }, TimeSpan.FromSeconds(120));
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.Equal("done", report.GetProperty("state").GetString());
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(kind, f.GetProperty("kind").GetString()));
        Assert.Contains(findings, f => f.GetProperty("repro").GetString() == repro);
    }

    [Theory]
    [InlineData("stalls", "interrupted (KeyboardInterrupt)")]
    [InlineData("ignores_interrupt", "ignored KeyboardInterrupt past its time limit; its kernel was killed")]
    public async Task A_hang_is_a_finding_whether_the_interrupt_stops_it_or_not(string target, string detail)
    {
        var session = await SessionWithConsumersAsync();
        var report = await CheckAsync(session, new { target, cases = "quick", caseTimeoutMs = 300 }, TimeSpan.FromSeconds(120));
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.Equal("done", report.GetProperty("state").GetString());
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal("hang", f.GetProperty("kind").GetString()));
        Assert.Contains(detail, findings[0].GetProperty("detail").GetString());
        // Shrunk to the smallest layout that still stalls: one row of one item, the row stride negative.
        Assert.Equal("[1,1]", findings[0].GetProperty("layout").GetProperty("shape").ToString());
        Assert.True(Count(report, "passed") > 100);
    }

    [Theory]
    [InlineData("""{"mode": "fuzz", "target": "total"}""", "mode 'fuzz' is not allowed; use 'consumer'")]
    [InlineData("""{"target": "total", "cases": "huge"}""", "cases 'huge' is not a case set; use one of quick, standard, exhaustive")]
    [InlineData("""{"target": " "}""", "target is required")]
    [InlineData("""{"target": "total", "caseTimeoutMs": 5}""", "caseTimeoutMs is 5; it must be 10 to 60000")]
    public async Task A_bad_request_is_refused_saying_what_is_allowed(string body, string detail)
    {
        var ct = TestContext.Current.CancellationToken;
        var session = await SessionWithConsumersAsync();
        var answer = await _http.PostAsync($"/api/sessions/{session}/checks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(detail, (await answer.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
        Assert.Equal(0, (await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}/checks", ct)).GetArrayLength());
    }

    [Fact]
    public async Task A_target_that_does_not_resolve_fails_the_check_saying_why()
    {
        var session = await SessionWithConsumersAsync();
        var report = await CheckAsync(session, new { target = "totl" }, TimeSpan.FromSeconds(30));
        Assert.Equal("failed", report.GetProperty("state").GetString());
        Assert.Equal("target 'totl': NameError: name 'totl' is not defined", report.GetProperty("error").GetString());
    }

    [Fact]
    public async Task One_check_runs_at_a_time_per_session_and_cancelling_ends_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var session = await SessionWithConsumersAsync();
        var started = await _http.PostAsJsonAsync($"/api/sessions/{session}/checks", new { target = "total", cases = "exhaustive" }, ct);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        var second = await _http.PostAsJsonAsync($"/api/sessions/{session}/checks", new { target = "total" }, ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains($"check {id} is still running", (await second.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
        // Under way first: cases done, far from all of them.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}/checks/{id}", ct)).GetProperty("done").GetInt32() == 0)
        {
            Assert.True(DateTime.UtcNow < until, "the check never got under way");
            await Task.Delay(50, ct);
        }
        var cancelled = await (await _http.DeleteAsync($"/api/sessions/{session}/checks/{id}", ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.True(cancelled.GetProperty("done").GetInt32() < cancelled.GetProperty("total").GetInt32());
        // Another may start now.
        var third = await _http.PostAsJsonAsync($"/api/sessions/{session}/checks", new { target = "total", cases = "quick" }, ct);
        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
        // Deleting the session takes its checks with it.
        var thirdId = (await third.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        (await _http.DeleteAsync($"/api/sessions/{session}?force=true", ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/sessions/{session}/checks/{thirdId}", ct)).StatusCode);
    }

    [Fact]
    public async Task Checks_running_at_once_are_bounded_over_all_sessions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync("--Bufferscope:Limits:MaxRunningChecks=1");
        using var http = server.Client();
        async Task<string> NewSession() => (await (await http.PostAsJsonAsync("/api/sessions", new { name = "bounded" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        var (a, b) = (await NewSession(), await NewSession());
        var first = await http.PostAsJsonAsync($"/api/sessions/{a}/checks", new { target = "len", cases = "exhaustive" }, ct);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var second = await http.PostAsJsonAsync($"/api/sessions/{b}/checks", new { target = "len" }, ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("1 check is running, the most allowed at once (Bufferscope:Limits:MaxRunningChecks)", (await second.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        await http.DeleteAsync($"/api/sessions/{a}/checks/{id}", ct);
    }
}
