using System.Text.Json;
using System.Text.Json.Serialization;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Core;

/// <summary>JSON (camelCase) for what crosses from Python to .NET: MemBuf arguments become a <see cref="BufferSpec"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BufferSpec))]
internal sealed partial class CoreJson : JsonSerializerContext;
