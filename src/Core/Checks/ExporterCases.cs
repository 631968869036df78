using Bufferscope.Core.Python;

namespace Bufferscope.Core.Checks;

/// <summary>
/// An exporter check's cases in the kernel, one request each: the prepared target (checks.py's
/// <c>_target</c>; a fresh object per request when it is a factory) is asked with the case's
/// flags and the answer judged by <see cref="ExporterRules"/> against the memory its fullest
/// answer describes, found once per batch. Python thread.
/// </summary>
internal sealed class ExporterCases
{
    private readonly nint _module;
    private readonly bool _factory;
    private readonly MappedMemory _memory;
    private readonly Dictionary<string, long?> _formatSizes = [];
    private ExporterRules.Exported? _reference;

    public ExporterCases(nint module)
    {
        _module = module;
        var factory = PyConvert.Check(Interop.PyObject_GetAttrString(module, "_factory"));
        _factory = Interop.PyObject_IsTrue(factory) == 1;
        Interop.Py_DecRef(factory);
        _memory = MappedMemory.Read();
    }

    public CaseResult Run(int index, int flags)
    {
        var exporter = Exporter();
        try
        {
            _reference ??= Describe(exporter);
            if (_reference is null)
                return new CaseResult(index, CheckKinds.Refused, "an answer", "every request refused", $"refused even {Buffers.RequestFlagNames.Describe(ExporterRules.Describing[^1])}", null);
            var answer = ExporterProbe.Request(exporter, flags);
            var (kind, expected, got, rule) = ExporterRules.Judge(answer, _reference, FormatSize, _memory);
            return new CaseResult(index, kind, expected, got, rule, null) { Layout = _reference.Layout };
        }
        finally { Interop.Py_DecRef(exporter); }
    }

    /// <summary>A new reference to the object to ask: the target, or what its factory makes now.</summary>
    private nint Exporter()
    {
        var target = PyConvert.Check(Interop.PyObject_GetAttrString(_module, "_target"));
        if (!_factory)
            return target;
        try { return PyConvert.Call(target); }
        finally { Interop.Py_DecRef(target); }
    }

    private ExporterRules.Exported? Describe(nint exporter)
    {
        foreach (var flags in ExporterRules.Describing)
            if (ExporterProbe.Request(exporter, flags) is { Ok: true } full)
                return ExporterRules.Describe(full);
        return null;
    }

    /// <summary>struct.calcsize(format), or null when struct cannot read it (PEP 3118 allows more than struct does).</summary>
    private long? FormatSize(string format)
    {
        if (_formatSizes.TryGetValue(format, out var known))
            return known;
        long? size = null;
        try
        {
            using var structModule = PyObjectHandle.Steal(PyConvert.Check(Interop.PyImport_ImportModule("struct")));
            var text = PyConvert.FromString(format);
            try
            {
                var result = PyConvert.CallMethod(structModule.Pointer, "calcsize", text);
                size = Interop.PyLong_AsLongLong(result);
                Interop.Py_DecRef(result);
            }
            finally { Interop.Py_DecRef(text); }
        }
        catch (PythonException) { }
        return _formatSizes[format] = size;
    }
}
