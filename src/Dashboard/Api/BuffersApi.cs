using Bufferscope.Core;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Kernels;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/buffers: create (bound by name in the session's Python), list, get, free.</summary>
public static class BuffersApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var buffers = app.MapGroup("/api/sessions/{sid}/buffers").WithTags("Buffers");

        buffers.MapPost("/", async (string sid, BufferSpec spec, KernelSessions sessions) =>
        {
            var buffer = BufferDto.From(await sessions.CreateBufferAsync(sid, spec));
            return Results.Created($"/api/sessions/{sid}/buffers/{buffer.Id}", buffer);
        }).WithSummary("Create a buffer: format, shape, order or strides, offset, readonly, fill, source");

        buffers.MapGet("/", async (string sid, KernelSessions sessions) => (await sessions.ListBuffersAsync(sid)).Select(BufferDto.From))
            .WithSummary("Every live buffer of the session, those made in Python with bufferscope.MemBuf included");

        buffers.MapGet("/{bid:long}", async (string sid, long bid, KernelSessions sessions) => BufferDto.From(await sessions.GetBufferAsync(sid, bid)));

        buffers.MapGet("/{bid:long}/holders", async (string sid, long bid, KernelSessions sessions) => await sessions.HoldersAsync(sid, bid))
            .WithSummary("Each live view of the buffer with the objects that hold it (numpy.ndarray a, through a memoryview): a scan of the kernel's objects, for one buffer");

        buffers.MapDelete("/{bid:long}", async (string sid, long bid, KernelSessions sessions) =>
        {
            await sessions.FreeBufferAsync(sid, bid);
            return Results.NoContent();
        }).WithSummary("Free a buffer; 409 BufferError with the live count while it is exported");
    }
}
