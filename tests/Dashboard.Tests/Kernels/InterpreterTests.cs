using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Tests.Kernels;

/// <summary>
/// Sessions on every interpreter present (Debian's 3.11, pyenv's 3.12 and 3.13) and on a virtual
/// environment made here, whose site-packages holds a C extension compiled here: each session
/// reports its version and exports exactly as CPython's own reference exporter does.
/// </summary>
public sealed class InterpreterTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Venv = Path.Combine(Path.GetTempPath(), $"bufferscope-venv-{Environment.ProcessId}");
    private static string VenvPython => Path.Combine(Venv, "bin", "python");
    private TestServer _server = null!;
    private HttpClient _http = null!;

    /// <summary>Debian's python3, each pyenv 3.11-3.13 build, and a virtual environment of Debian's python3.</summary>
    private static IReadOnlyList<string> All => [.. PythonBuilds.Present(), VenvPython];

    public static TheoryData<string> Pythons() => [.. All];

    public async ValueTask InitializeAsync()
    {
        MakeVenvWithExtension();
        var allowed = All.Skip(1).Select((p, i) => $"--Bufferscope:Python:Interpreters:{i}={p}");
        _server = await TestServer.StartAsync([.. allowed, "--Bufferscope:Limits:RunsPerMinute=100000"]);
        _http = _server.Client();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(Venv, recursive: true);
    }

    /// <summary>
    /// <c>python3 -m venv</c>, and in its site-packages a real C consumer: <c>probe.describe(obj)</c>
    /// asks for PyBUF_RECORDS_RO and returns what the exporter handed out.
    /// </summary>
    private static void MakeVenvWithExtension()
    {
        if (Directory.Exists(Venv))
            Directory.Delete(Venv, recursive: true);
        Tool.Run(Core.Python.PythonOptions.DefaultExecutable, "-m", "venv", "--without-pip", Venv);
        var paths = Tool.Run(VenvPython, "-c", "import sysconfig as s; print(s.get_paths()['include']); print(s.get_paths()['platlib']); print(s.get_config_var('EXT_SUFFIX'))").Split('\n');
        var source = Path.Combine(Venv, "probe.c");
        File.WriteAllText(source, """
            #define PY_SSIZE_T_CLEAN
            #include <Python.h>
            static PyObject *describe(PyObject *self, PyObject *obj) {
                Py_buffer view;
                if (PyObject_GetBuffer(obj, &view, PyBUF_RECORDS_RO) < 0) return NULL;
                PyObject *shape = PyTuple_New(view.ndim);
                for (int i = 0; i < view.ndim; i++) PyTuple_SET_ITEM(shape, i, PyLong_FromSsize_t(view.shape[i]));
                PyObject *r = Py_BuildValue("(sNnn)", view.format, shape, view.itemsize, view.len);
                PyBuffer_Release(&view);
                return r;
            }
            static PyMethodDef methods[] = {{"describe", describe, METH_O, NULL}, {NULL, NULL, 0, NULL}};
            static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "probe", NULL, -1, methods};
            PyMODINIT_FUNC PyInit_probe(void) { return PyModule_Create(&module); }
            """);
        Tool.Run("gcc", "-shared", "-fPIC", "-O1", $"-I{paths[0]}", "-o", Path.Combine(paths[1], "probe" + paths[2]), source);
    }


    private async Task<SessionDto> CreateAsync(string? python)
    {
        var response = await _http.PostAsJsonAsync("/api/sessions", new { name = "py", python }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<SessionDto>(ServerFixture.Json, Ct))!;
    }

    private Task<RunResponse> RunAsync(string session, string code) => ServerFixture.RunAsync(_http, session, code);

    [Fact]
    public async Task Interpreters_AreListedWithTheirVersions_TheDefaultFirst()
    {
        var listed = (await _http.GetFromJsonAsync<InterpreterDto[]>("/api/interpreters", ServerFixture.Json, Ct))!;

        Assert.Equal(All, listed.Select(i => i.Executable));
        Assert.True(listed[0].Default);
        Assert.All(listed, i => Assert.Equal(Core.Python.PythonInstallation.Probe(i.Executable).Version.ToString(), i.Version));
        Assert.Equal([VenvPython], listed.Where(i => i.VirtualEnvironment).Select(i => i.Executable));
    }

    /// <summary>
    /// Every layout of a grid (formats, shapes, orders, read-only) under every request of
    /// _testbuffer's list: a MemBuf answers (or refuses) exactly as _testbuffer.ndarray does.
    /// </summary>
    private const string Grid = """
        import itertools, struct, _testbuffer as T, bufferscope
        requests = [T.PyBUF_SIMPLE, T.PyBUF_WRITABLE, T.PyBUF_FORMAT, T.PyBUF_ND, T.PyBUF_STRIDES,
            T.PyBUF_C_CONTIGUOUS, T.PyBUF_F_CONTIGUOUS, T.PyBUF_ANY_CONTIGUOUS, T.PyBUF_INDIRECT,
            T.PyBUF_CONTIG, T.PyBUF_CONTIG_RO, T.PyBUF_STRIDED, T.PyBUF_STRIDED_RO, T.PyBUF_RECORDS,
            T.PyBUF_RECORDS_RO, T.PyBUF_FULL, T.PyBUF_FULL_RO]
        requests += [r | T.PyBUF_FORMAT for r in requests] + [r | T.PyBUF_WRITABLE for r in requests]
        def answer(obj, flags):
            try:
                m = memoryview(T.ndarray(obj, getbuf=flags))
            except BufferError as e:
                return 'refused'
            return (m.format, m.itemsize, m.ndim, m.shape, m.strides, m.readonly, m.c_contiguous, m.f_contiguous, m.tobytes())
        cases = wrong = 0
        for fmt, shape, order, ro in itertools.product(['B', '<i', '>h', 'd', '<q', '?'], [(), (5,), (3, 4), (2, 3, 2), (1, 4, 1)], 'CF', [False, True]):
            n = 1
            for s in shape: n *= s
            items = [bool(i % 2) if fmt == '?' else i % 100 for i in range(n)]
            ours = bufferscope.MemBuf(shape=shape, format=fmt, order=order, readonly=ro, data=b''.join(struct.pack(fmt, v) for v in (items if shape != () else [0])))
            flags = (T.ND_FORTRAN if order == 'F' and shape != () else 0) | (0 if ro else T.ND_WRITABLE)
            ref = T.ndarray(items if shape != () else 0, shape=list(shape), format=fmt, flags=flags)
            for r in set(requests):
                cases += 1
                if answer(ours, r) != answer(ref, r):
                    wrong += 1
        (cases, wrong)
        """;

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Session_OnEachInterpreter_ReportsItsVersion_AndPassesTheTestbufferGrid(string python)
    {
        var version = Core.Python.PythonInstallation.Probe(python).Version.ToString();

        var session = await CreateAsync(python);

        Assert.Equal(new KernelPythonDto(version, python), session.Kernel!.Python);
        Assert.Equal($"'{version}'", (await RunAsync(session.Id, "import platform; platform.python_version()")).Result);
        var grid = (await RunAsync(session.Id, Grid)).Result!;
        Assert.Matches(@"^\((\d{4,}), 0\)$", grid);
        TestContext.Current.SendDiagnosticMessage($"{python}: grid (cases, wrong) = {grid}");
    }

    [Fact]
    public async Task Venv_PutsItsSitePackagesOnThePath_SoAUsersOwnCExtensionConsumesAMemBuf()
    {
        var session = await CreateAsync(VenvPython);

        var run = await RunAsync(session.Id, "import probe, bufferscope, sys\n(probe.describe(bufferscope.MemBuf(shape=(3, 4), format='<h', order='F')), sys.prefix)");

        Assert.Equal($"(('<h', (3, 4), 2, 24), '{Venv}')", run.Result);
    }

    [Fact]
    public async Task Restart_KeepsTheSessionsInterpreter()
    {
        var python = All.Last(p => p != VenvPython);
        var session = await CreateAsync(python);

        var restart = await _http.PostAsync($"/api/sessions/{session.Id}/restart", null, Ct);
        var restarted = (await restart.Content.ReadFromJsonAsync<RestartDto>(ServerFixture.Json, Ct))!;

        Assert.Equal(python, restarted.Session.Kernel!.Python!.Executable);
        Assert.NotEqual(session.Kernel!.Pid, restarted.Session.Kernel.Pid);
    }

    [Theory]
    [InlineData("/usr/bin/python3.11")] // the default's own binary by another name: still not on the list
    [InlineData("/bin/sh")]
    [InlineData("../../usr/bin/python3x")]
    public async Task AnyOtherExecutable_IsRefused_NamingWhatIsAllowed_AndMakesNoSession(string python)
    {
        var before = (await _http.GetFromJsonAsync<SessionDto[]>("/api/sessions", ServerFixture.Json, Ct))!.Length;

        var response = await _http.PostAsJsonAsync("/api/sessions", new { name = "bad", python }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"python '{python}' is not an allowed interpreter", detail);
        Assert.Contains("/usr/bin/python3 (Python 3.11", detail);
        Assert.Contains("Bufferscope:Python:Interpreters", detail);
        Assert.Equal(before, (await _http.GetFromJsonAsync<SessionDto[]>("/api/sessions", ServerFixture.Json, Ct))!.Length);
    }
}
