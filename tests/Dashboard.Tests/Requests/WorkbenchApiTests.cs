using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bufferscope.Dashboard.Tests.Requests;

/// <summary>
/// The request workbench through the API, on a real server and kernel: every named request put
/// to real exporters (MemBufs of many layouts, numpy arrays, a bytearray) comes back as the
/// exporter filled it, field by field, beside what _testbuffer.ndarray answers for the same
/// layout; the two agree wherever PEP 3118 leaves the exporter no choice.
/// </summary>
public sealed class WorkbenchApiTests : IAsyncLifetime
{
    /// <summary>The base requests, each with and without WRITABLE and FORMAT: 28.</summary>
    private static readonly int[] Requests = [.. new[] { 0, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118 }.SelectMany(b => new[] { b, b | 0x1, b | 0x4, b | 0x5 })];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private string _session = null!;

    public async ValueTask InitializeAsync()
    {
        var others = Kernels.PythonBuilds.Present().Skip(1).Select((p, i) => $"--Bufferscope:Python:Interpreters:{i}={p}");
        _server = await TestServer.StartAsync([.. others, "--Bufferscope:Kernels:Warm=1", "--Bufferscope:Limits:RunsPerMinute=100000"]);
        _http = _server.Client();
        var session = await (await _http.PostAsJsonAsync("/api/sessions", new { name = "workbench" })).Content.ReadFromJsonAsync<JsonElement>();
        _session = session.GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<JsonElement> AskAsync(object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _http.PostAsJsonAsync($"/api/sessions/{_session}/request", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {json}");
        return json;
    }

    private int _buffers;

    /// <summary>A buffer made through the API, named b1, b2...</summary>
    private async Task<long> BufferAsync(object spec)
    {
        var named = JsonSerializer.SerializeToNode(spec)!.AsObject();
        named["name"] = $"b{++_buffers}";
        var response = await _http.PostAsJsonAsync($"/api/sessions/{_session}/buffers", named);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json.GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> RunAsync(string code)
    {
        var run = await (await _http.PostAsJsonAsync($"/api/sessions/{_session}/run", new { code })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(run.GetProperty("ok").GetBoolean(), run.ToString());
        return run;
    }

    public static TheoryData<string> MemBufLayouts => new()
    {
        """{ "format": "d", "shape": [2, 3] }""",
        """{ "format": "d", "shape": [2, 3], "order": "F" }""",
        """{ "format": "B", "shape": [12], "strides": [-1], "offset": 11 }""",
        """{ "format": "i", "shape": [3, 2], "strides": [16, 8] }""",
        """{ "format": "<h", "shape": [5], "readonly": true }""",
        """{ "format": "d", "shape": [] }""",
        """{ "format": "B", "shape": [0] }""",
        """{ "format": "Q", "shape": [2, 2, 2], "order": "F", "readonly": true }""",
        """{ "format": "f", "shape": [3, 4], "strides": [-16, 4], "offset": 32 }""",
    };

    [Theory]
    [MemberData(nameof(MemBufLayouts))]
    public async Task A_MemBuf_answers_all_28_requests_field_by_field_as_testbuffer_does(string spec)
    {
        var id = await BufferAsync(JsonNode.Parse(spec)!);
        foreach (var flags in Requests)
        {
            var answer = await AskAsync(new { bufferId = id, flags });
            var reference = answer.GetProperty("reference");
            Assert.True(reference.GetProperty("unavailable").ValueKind == JsonValueKind.Null, answer.ToString());
            Assert.StartsWith("_testbuffer.ndarray(", reference.GetProperty("made").GetString());
            Assert.Equal("bufferscope.MemBuf", answer.GetProperty("exporter").GetString());
            Assert.Equal(flags, answer.GetProperty("flags").GetInt32());
            Assert.True(answer.GetProperty("ok").GetBoolean() == reference.GetProperty("ok").GetBoolean(), $"0x{flags:x}: {answer}");
            Assert.Equal(reference.GetProperty("view").GetRawText(), answer.GetProperty("view").GetRawText());
            Assert.True(answer.GetProperty("agreesWithReference").GetBoolean(), answer.ToString());
        }
        // The views were released before each answer: nothing is left exported.
        var buffer = await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{_session}/buffers/{id}", Ct);
        Assert.Equal(0, buffer.GetProperty("exports").GetInt32());
    }

    public static TheoryData<string> Pythons() => [.. Kernels.PythonBuilds.Present()];

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task On_every_interpreter_a_MemBuf_agrees_with_that_interpreters_testbuffer(string python)
    {
        var created = await _http.PostAsJsonAsync("/api/sessions", new { name = "workbench-python", python }, Ct);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(created.IsSuccessStatusCode, session.ToString());
        _session = session.GetProperty("id").GetString()!;
        var id = await BufferAsync(new { format = "<i", shape = new[] { 3, 2 }, strides = new[] { -8, 4 }, offset = 16 });
        foreach (var flags in Requests)
        {
            var answer = await AskAsync(new { bufferId = id, flags });
            Assert.True(answer.GetProperty("agreesWithReference").GetBoolean(), $"{python}, 0x{flags:x}: {answer}");
        }
        var version = await RunAsync("import sys\n'%d.%d' % sys.version_info[:2]");
        Assert.Contains(version.GetProperty("result").GetString()!.Trim('\''), python.Contains("pyenv", StringComparison.Ordinal) ? python : "3.11");
    }

    [Fact]
    public async Task Fields_are_filled_only_as_asked_and_a_refusal_says_why()
    {
        var id = await BufferAsync(new { format = "d", shape = new[] { 2, 3 }, order = "F" });

        var strided = await AskAsync(new { bufferId = id, flags = "PyBUF_STRIDES" });
        var view = strided.GetProperty("view");
        Assert.Equal("PyBUF_STRIDED_RO", strided.GetProperty("flagNames").GetString()); // the same value, by its usual name
        Assert.Equal("[2,3]", view.GetProperty("shape").GetRawText());
        Assert.Equal("[8,16]", view.GetProperty("strides").GetRawText());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("format").ValueKind); // not asked for: NULL, the bytes read as 'B'
        Assert.Equal(JsonValueKind.Null, view.GetProperty("suboffsets").ValueKind);
        Assert.Equal(48, view.GetProperty("len").GetInt64());
        Assert.Equal(8, view.GetProperty("itemsize").GetInt64());

        var full = await AskAsync(new { bufferId = id, flags = 0x11c });
        Assert.Equal("PyBUF_FULL_RO", full.GetProperty("flagNames").GetString());
        Assert.Equal("d", full.GetProperty("view").GetProperty("format").GetString());

        // PyBUF_ND promises C order: Fortran memory must be refused, as the reference refuses it.
        var nd = await AskAsync(new { bufferId = id, flags = "ND" });
        Assert.False(nd.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, nd.GetProperty("view").ValueKind);
        Assert.Equal("BufferError", nd.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("contiguous", nd.GetProperty("error").GetProperty("message").GetString());
        Assert.False(nd.GetProperty("reference").GetProperty("ok").GetBoolean());

        var readOnly = await BufferAsync(new { format = "B", shape = new[] { 4 }, @readonly = true });
        var writable = await AskAsync(new { bufferId = readOnly, flags = "PyBUF_SIMPLE | PyBUF_WRITABLE" });
        Assert.False(writable.GetProperty("ok").GetBoolean());
        Assert.Equal("BufferError", writable.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(new[] { "PyBUF_WRITABLE" }, writable.GetProperty("flagParts").EnumerateArray().Select(p => p.GetString()));
    }

    public static TheoryData<string> OtherExporters => new()
    {
        "np.arange(6.0).reshape(2, 3)",
        "np.asfortranarray(np.arange(6.0).reshape(2, 3))",
        "np.arange(24, dtype='<i4').reshape(4, 6)[::2, ::-3]",
        "np.frombuffer(b'abcdef', dtype='B')",
        "np.zeros((2, 0, 3), dtype='h')",
        "np.float64(2.5).reshape(())",
        "bytearray(b'hello')",
        "array.array('d', [1.0, 2.0, 3.0])",
    };

    [Theory]
    [MemberData(nameof(OtherExporters))]
    public async Task Numpy_bytearray_and_array_answer_as_the_reference_does_for_their_layout(string expression)
    {
        await RunAsync("import array\nimport numpy as np");
        foreach (var flags in Requests)
        {
            var answer = await AskAsync(new { expression, flags });
            var reference = answer.GetProperty("reference");
            Assert.True(reference.GetProperty("unavailable").ValueKind == JsonValueKind.Null, answer.ToString());
            if (answer.GetProperty("agreesWithReference").GetBoolean())
                continue;
            // Where they differ, it is one of two known ways, each shown as it is:
            // - FORMAT without ND: the reference alone refuses it (a format with no shape cannot
            //   be checked against len);
            // - numpy, asked without ND, says ndim 0 (a scalar) where the reference says 1; every
            //   field it fills is the reference's;
            // - numpy, for an array with no elements, gives the strides the contiguity asked for
            //   implies: strides that address nothing, which PEP 3118 leaves free.
            if ((flags & 0x4) != 0 && (flags & 0x8) == 0 && !reference.GetProperty("ok").GetBoolean())
                continue;
            var (view, expected) = (answer.GetProperty("view"), reference.GetProperty("view"));
            if (view.GetProperty("len").GetInt64() == 0 && view.GetProperty("shape").GetRawText() == expected.GetProperty("shape").GetRawText()
                && view.GetProperty("ndim").GetInt32() == expected.GetProperty("ndim").GetInt32())
                continue;
            Assert.True(expression.StartsWith("np.", StringComparison.Ordinal) && (flags & 0x8) == 0, $"{expression}, 0x{flags:x}: {answer}");
            Assert.Equal(0, view.GetProperty("ndim").GetInt32());
            Assert.Equal(1, expected.GetProperty("ndim").GetInt32());
            foreach (var field in new[] { "len", "itemsize", "readonly", "format", "shape", "strides", "suboffsets" })
                Assert.Equal(expected.GetProperty(field).GetRawText(), view.GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_what_is_allowed_and_change_nothing()
    {
        var id = await BufferAsync(new { format = "B", shape = new[] { 4 } });
        var both = await AskAsync(new { bufferId = id, expression = "b", flags = 0 }, HttpStatusCode.BadRequest);
        Assert.Contains("exactly one exporter", both.ToString());
        var neither = await AskAsync(new { flags = 0 }, HttpStatusCode.BadRequest);
        Assert.Contains("exactly one exporter", neither.ToString());
        var unknown = await AskAsync(new { bufferId = id, flags = "PyBUF_SIDEWAYS" }, HttpStatusCode.BadRequest);
        Assert.Contains("'PyBUF_SIDEWAYS' is not a request flag", unknown.ToString());
        Assert.Contains("PyBUF_FULL(_RO)", unknown.ToString());
        var bits = await AskAsync(new { bufferId = id, flags = 0x200 }, HttpStatusCode.BadRequest);
        Assert.Contains("bits PEP 3118 does not define", bits.ToString());
        var missing = await AskAsync(new { bufferId = id }, HttpStatusCode.BadRequest);
        Assert.Contains("flags are missing", missing.ToString());
        await AskAsync(new { bufferId = 999_999_999, flags = 0 }, HttpStatusCode.NotFound);

        var name = await AskAsync(new { expression = "no_such_name", flags = 0 }, HttpStatusCode.BadRequest);
        Assert.Contains("NameError", name.ToString());
        var notBuffer = await AskAsync(new { expression = "42", flags = 0 });
        Assert.False(notBuffer.GetProperty("ok").GetBoolean());
        Assert.Equal("TypeError", notBuffer.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("int", notBuffer.GetProperty("exporter").GetString());
        Assert.Contains("refused every request", notBuffer.GetProperty("reference").GetProperty("unavailable").GetString());

        // The session is as it was: its buffer unexported, its console working.
        var buffer = await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{_session}/buffers/{id}", Ct);
        Assert.Equal(0, buffer.GetProperty("exports").GetInt32());
        var run = await RunAsync("1 + 1");
        Assert.Equal("2", run.GetProperty("result").GetString());
    }

    [Fact]
    public async Task An_expression_that_never_ends_is_interrupted_and_the_kernel_goes_on()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stuck = await AskAsync(new { expression = "__import__('time').sleep(60)", flags = 0 }, HttpStatusCode.BadRequest);
        Assert.Contains("interrupted", stuck.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var run = await RunAsync("1 + 1");
        Assert.Equal("2", run.GetProperty("result").GetString());
    }
}
