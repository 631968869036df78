using Bufferscope.Core;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/buffers/{bid}/memory: read and write raw bytes of the allocation, and search it.</summary>
public static class MemoryApi
{
    /// <summary>Bytes one search looks for at most (the dashboard's Find box asks for up to 256).</summary>
    public const int MaxSearchBytes = 4096;

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

        memory.MapGet("/search", async (string sid, long bid, string? bytes, long? from, KernelSessions sessions, CancellationToken cancellationToken) =>
        {
            byte[] pattern;
            try { pattern = Convert.FromHexString(bytes ?? ""); }
            catch (FormatException) { throw new BadHttpRequestException($"bytes '{bytes}' is not hex: give the bytes to find as hex digits, two per byte, no spaces (e.g. bytes=deadbeef)"); }
            if (pattern.Length is 0 or > MaxSearchBytes)
                throw new BadHttpRequestException($"bytes is {pattern.Length} bytes long; search for 1 to {MaxSearchBytes} bytes, as hex (e.g. bytes=deadbeef)");
            // The buffer is looked up in its session first, so an id from another session is not found.
            var descriptor = await sessions.GetBufferAsync(sid, bid);
            var start = from ?? 0;
            if (start < 0 || start > descriptor.Allocation)
                throw new ArgumentOutOfRangeException(nameof(from), $"from is {start}; it must be in [0, {descriptor.Allocation}]");
            var buffer = await sessions.WatchedAsync(bid) ?? throw new NotFoundException($"no buffer with id {bid}");
            var found = await MemorySearch.FindAsync(buffer, pattern, start, cancellationToken);
            return new MemorySearchDto(found?.Offset, found?.Wrapped ?? false, buffer.Length);
        }).WithSummary("The first offset at or after from where bytes (hex) occur in the whole allocation, wrapping to the start; offset null when nowhere");
    }
}
