using Bufferscope.Core;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Kernels;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/buffers/{bid}/memory: read and write raw bytes of the allocation.</summary>
public static class MemoryApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var memory = app.MapGroup("/api/sessions/{sid}/buffers/{bid:long}/memory").WithTags("Memory");

        memory.MapGet("/", async (string sid, long bid, long? offset, long? length, KernelSessions sessions, BufferscopeOptions options) =>
        {
            var buffer = await sessions.GetBufferAsync(sid, bid);
            var start = offset ?? 0;
            var count = length ?? Math.Max(0, Math.Min(buffer.Allocation - start, options.Limits.MaxTransferBytes));
            if (count > options.Limits.MaxTransferBytes)
                throw new ArgumentOutOfRangeException(nameof(length), $"length {count} is more than one read may return: at most {options.Limits.MaxTransferBytes} bytes (Bufferscope:Limits:MaxTransferBytes)");
            if (count < 0)
                throw new ArgumentOutOfRangeException(nameof(length), $"length is {count}; it must be 0 or more");
            return Results.Bytes(await sessions.ReadMemoryAsync(sid, bid, start, (int)count), "application/octet-stream");
        }).WithSummary("Read bytes [offset, offset + length) of the allocation");

        memory.MapPut("/", async (string sid, long bid, long? offset, HttpRequest request, KernelSessions sessions, BufferscopeOptions options) =>
        {
            var limit = options.Limits.MaxTransferBytes;
            using var body = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                if (body.Length + read > limit)
                    throw new BadHttpRequestException($"the body is more than one write may carry: at most {limit} bytes (Bufferscope:Limits:MaxTransferBytes)", StatusCodes.Status413PayloadTooLarge);
                body.Write(buffer, 0, read);
            }
            await sessions.WriteMemoryAsync(sid, bid, offset ?? 0, body.ToArray());
            return Results.NoContent();
        }).Accepts<byte[]>("application/octet-stream")
          .WithSummary("Write the body's bytes at offset (a server-side write, pushed like any other); 409 on a read-only buffer");
    }
}
