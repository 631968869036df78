using System.Text.Json.Serialization;
using Bufferscope.Core.Python;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// What the server hands a kernel at its start, in environment variables: the options and the
/// installation it already probed. Source-generated, because a kernel reads it first thing on
/// every start: by reflection the read cost a fresh process ~110 ms of CPU (most of it JIT), a
/// tenth of a kernel's whole start, paid again after every crash a check meets.
/// </summary>
[JsonSerializable(typeof(BufferscopeOptions))]
[JsonSerializable(typeof(PythonInstallation))]
internal sealed partial class KernelStartJson : JsonSerializerContext;
