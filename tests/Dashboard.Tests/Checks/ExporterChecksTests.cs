using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bufferscope.Dashboard.Tests.Checks;

/// <summary>
/// Exporter checks through the API: every request (the base requests × WRITABLE × FORMAT) sent to
/// a real exporter in a check kernel, each answer held to PEP 3118's rules. CPython's, numpy's and
/// Bufferscope's own exporters answer right; two C exporters written here with one defect each
/// (strides nobody asked for; WRITABLE ignored on read-only memory) are found, under the request
/// with the fewest flags that shows it.
/// </summary>
public sealed class ExporterChecksTests : IAsyncLifetime
{
    private const string Source = """
        #define PY_SSIZE_T_CLEAN
        #include <Python.h>

        /* Bad(mode): 8 doubles of read-only memory. mode 1 fills strides on every request;
           mode 2 answers PyBUF_WRITABLE with a writable view of its read-only memory. */
        typedef struct { PyObject_HEAD double data[8]; int mode; } Bad;
        static Py_ssize_t shape[1] = {8}, strides[1] = {8};

        static int getbuffer(PyObject *self, Py_buffer *view, int flags) {
            Bad *b = (Bad *)self;
            view->buf = b->data; view->obj = Py_NewRef(self); view->len = sizeof b->data; view->itemsize = 8;
            view->readonly = b->mode == 2 && (flags & PyBUF_WRITABLE) ? 0 : 1;
            if (b->mode != 2 && (flags & PyBUF_WRITABLE)) {
                Py_CLEAR(view->obj);
                PyErr_SetString(PyExc_BufferError, "read-only");
                return -1;
            }
            view->format = (flags & PyBUF_FORMAT) ? "d" : NULL;
            view->ndim = 1;
            view->shape = (flags & PyBUF_ND) == PyBUF_ND ? shape : NULL;
            view->strides = b->mode == 1 || (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? strides : NULL;
            view->suboffsets = NULL; view->internal = NULL;
            return 0;
        }
        static int init(PyObject *self, PyObject *args, PyObject *kw) {
            return PyArg_ParseTuple(args, "i", &((Bad *)self)->mode) ? 0 : -1;
        }
        static PyType_Slot slots[] = {{Py_bf_getbuffer, getbuffer}, {Py_tp_init, init}, {Py_tp_new, PyType_GenericNew}, {0, NULL}};
        static PyType_Spec spec = {"badexporter.Bad", sizeof(Bad), 0, Py_TPFLAGS_DEFAULT, slots};
        static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "badexporter", NULL, -1, NULL};
        PyMODINIT_FUNC PyInit_badexporter(void) {
            PyObject *m = PyModule_Create(&module);
            if (m && PyModule_AddObject(m, "Bad", PyType_FromSpec(&spec)) < 0) { Py_DECREF(m); return NULL; }
            return m;
        }
        """;

    private TestServer _server = null!;
    private HttpClient _http = null!;
    private string _build = null!;
    private string _session = null!;

    public async ValueTask InitializeAsync()
    {
        _build = Directory.CreateTempSubdirectory("bufferscope-badexporter-").FullName;
        var python = Core.Python.PythonOptions.DefaultExecutable;
        var paths = Tool.Run(python, "-c", "import sysconfig as s; print(s.get_paths()['include']); print(s.get_config_var('EXT_SUFFIX'))").Split('\n');
        File.WriteAllText(Path.Combine(_build, "badexporter.c"), Source);
        Tool.Run("gcc", "-shared", "-fPIC", "-O1", $"-I{paths[0]}", "-o", Path.Combine(_build, "badexporter" + paths[1].Trim()), Path.Combine(_build, "badexporter.c"));
        _server = await TestServer.StartAsync("--Bufferscope:Kernels:Warm=1");
        _http = _server.Client();
        var ct = TestContext.Current.CancellationToken;
        var session = await (await _http.PostAsJsonAsync("/api/sessions", new { name = "exporters" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        _session = session.GetProperty("id").GetString()!;
        var run = await (await _http.PostAsJsonAsync($"/api/sessions/{_session}/run", new
        {
            code = $"""
                import sys, array, ctypes, mmap
                import numpy as np
                sys.path.insert(0, {JsonSerializer.Serialize(_build)})
                import badexporter
                grid = np.arange(12.0).reshape(3, 4)
                frame = bufferscope.MemBuf(shape=(3, 4), format="<d", order="F")
                """,
        }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(run.GetProperty("ok").GetBoolean(), run.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_build, recursive: true);
    }

    private async Task<JsonElement> CheckAsync(string target)
    {
        var ct = TestContext.Current.CancellationToken;
        var started = await _http.PostAsJsonAsync($"/api/sessions/{_session}/checks", new { mode = "exporter", target }, ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var report = await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{_session}/checks/{id}", ct);
            if (report.GetProperty("state").GetString() != "running")
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{target}: {report}");
                Assert.Equal("done", report.GetProperty("state").GetString());
                Assert.Equal(28, report.GetProperty("done").GetInt32());
                return report;
            }
            Assert.True(DateTime.UtcNow < until, $"still running: {report}");
            await Task.Delay(50, ct);
        }
    }

    [Theory]
    [InlineData("grid")]                                       // numpy, C order
    [InlineData("grid.T")]                                     // numpy, Fortran order
    [InlineData("grid[:, ::2]")]                               // numpy, strided
    [InlineData("np.frombuffer(b'abcdefgh', dtype='<i2')")]    // numpy, read-only
    [InlineData("bytearray(b'xyz')")]
    [InlineData("b'read-only bytes'")]
    [InlineData("array.array('d', [1.0, 2.0])")]
    [InlineData("mmap.mmap(-1, 64)")]
    [InlineData("frame")]                                      // a MemBuf, Fortran order
    [InlineData("lambda: bufferscope.MemBuf(shape=(2, 3), format='i', readonly=True)")] // a factory
    public async Task A_correct_exporter_gives_no_finding(string target)
    {
        var report = await CheckAsync(target);
        Assert.Equal(0, report.GetProperty("findings").GetArrayLength());
        Assert.True(report.GetProperty("counts").GetProperty("passed").GetInt32() > 0);
    }

    [Fact]
    public async Task Strides_nobody_asked_for_are_found_under_the_simplest_request()
    {
        var report = await CheckAsync("badexporter.Bad(1)");
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal("wrong", finding.GetProperty("kind").GetString());
        Assert.Contains("filled strides, which the request did not ask for", finding.GetProperty("detail").GetString());
        Assert.Equal("PyBUF_SIMPLE", finding.GetProperty("flags").GetString());
        Assert.Equal(4, finding.GetProperty("cases").GetInt32()); // SIMPLE and ND, each with and without FORMAT
    }

    [Fact]
    public async Task Writable_ignored_on_read_only_memory_is_found()
    {
        var report = await CheckAsync("badexporter.Bad(2)");
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal("wrong", finding.GetProperty("kind").GetString());
        Assert.Contains("answered a request it must refuse: buffer is read-only", finding.GetProperty("detail").GetString());
        Assert.Equal("PyBUF_WRITABLE", finding.GetProperty("flags").GetString());
        Assert.True(finding.GetProperty("layout").GetProperty("readonly").GetBoolean());
    }

    [Fact]
    public async Task A_ctypes_array_fills_shape_and_format_whatever_is_asked()
    {
        var report = await CheckAsync("(ctypes.c_int * 4)()");
        var details = report.GetProperty("findings").EnumerateArray().Select(f => $"{f.GetProperty("flags").GetString()}: {f.GetProperty("detail").GetString()}").ToList();
        Assert.Contains("PyBUF_SIMPLE: filled shape, which the request did not ask for (no PyBUF_ND)", details);
    }

    [Fact]
    public async Task A_dotnet_array_through_pythonnet_fills_fields_nobody_asked_for()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await (await _http.PostAsJsonAsync($"/api/sessions/{_session}/run", new { code = "import clr\nfrom System import Array, Double\nnet = Array[Double](6)" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(run.GetProperty("ok").GetBoolean(), run.ToString());
        var report = await CheckAsync("net");
        // pythonnet 3.2.1 fills shape and format whatever is asked, and refuses Fortran-order
        // requests even of one dimension, which is Fortran-contiguous too (allowed, counted apart).
        var details = report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("detail").GetString()).ToList();
        Assert.Contains("filled shape, which the request did not ask for (no PyBUF_ND)", details);
        Assert.Contains("filled format, which the request did not ask for (no PyBUF_FORMAT): NULL means 'B'", details);
        Assert.True(report.GetProperty("counts").GetProperty("refused").GetInt32() > 0);
    }
}
