using Bufferscope.Core.Python;

namespace Bufferscope.Core.Buffers;

/// <summary>Installs the <c>bufferscope</c> module (MemBuf and its argument parser) in the interpreter. Python thread.</summary>
internal static class BufferscopeModule
{
    public static void Install(ExporterFactory factory, Func<string?> currentSession, Version python)
    {
        ExportOrigins.Configure(python);
        var type = ExporterType.Create(factory, currentSession);
        var module = PythonRuntime.LoadModule("bufferscope", "bufferscope.py", beforeExec: m =>
        {
            if (Interop.PyObject_SetAttrString(m, "MemBuf", type) != 0)
                throw PythonErrors.Fetch();
        });
        ExporterType.UseArgumentParser(PyConvert.Check(Interop.PyObject_GetAttrString(module, "_membuf_spec")));
    }
}
