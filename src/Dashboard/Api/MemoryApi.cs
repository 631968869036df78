using Bufferscope.Core;
using Bufferscope.Core.Buffers;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/buffers/{bid}/memory: read and write raw bytes of the allocation.</summary>
public static class MemoryApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var memory = app.MapGroup("/api/sessions/{sid}/buffers/{bid:long}/memory").WithTags("Memory");

        memory.MapGet("/", (string sid, long bid, long? offset, long? length, BufferscopeCore core) =>
        {
            var buffer = core.Sessions.GetBuffer(sid, bid);
            var start = offset ?? 0;
            var count = length ?? Math.Max(0, Math.Min(buffer.Allocation - start, core.Options.Limits.MaxTransferBytes));
            if (count > core.Options.Limits.MaxTransferBytes)
                throw new ArgumentOutOfRangeException(nameof(length), $"length {count} is more than one read may return: at most {core.Options.Limits.MaxTransferBytes} bytes (Bufferscope:Limits:MaxTransferBytes)");
            if (count < 0)
                throw new ArgumentOutOfRangeException(nameof(length), $"length is {count}; it must be 0 or more");
            return Results.Bytes(core.Sessions.ReadMemory(sid, bid, start, (int)count), "application/octet-stream");
        }).WithSummary("Read bytes [offset, offset + length) of the allocation");

        memory.MapPut("/", async (string sid, long bid, long? offset, HttpRequest request, BufferscopeCore core) =>
        {
            var limit = core.Options.Limits.MaxTransferBytes;
            using var body = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                if (body.Length + read > limit)
                    throw new BadHttpRequestException($"the body is more than one write may carry: at most {limit} bytes (Bufferscope:Limits:MaxTransferBytes)", StatusCodes.Status413PayloadTooLarge);
                body.Write(buffer, 0, read);
            }
            core.Sessions.WriteMemory(sid, bid, offset ?? 0, body.GetBuffer().AsSpan(0, (int)body.Length));
            return Results.NoContent();
        }).Accepts<byte[]>("application/octet-stream")
          .WithSummary("Write the body's bytes at offset (a server-side write, pushed like any other); 409 on a read-only buffer");
    }
}
