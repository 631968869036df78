using Bufferscope.Core.Buffers;
using Bufferscope.Dashboard.Api.Contracts;
using Bufferscope.Dashboard.Client;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The landing page's "Inspect": a session worth looking at before one knows anything, made through
/// the HTTP API as any client would make it. It holds <c>frame</c>, a 2-D float32 buffer, and a
/// Python thread in its kernel that writes a drifting wave into it 20 times a second, so the
/// picture and the hex view move.
///
/// The thread is the session's own code, run once in its console (In [1]), so what made the
/// sample is on the page, and <c>stop_writer()</c> there ends it. The run that starts it returns at
/// once: the thread runs between console runs, so the run time limit and Interrupt (which stop
/// the console's own thread) neither apply to it nor are blocked by it, and the console stays
/// free. It sleeps in <c>Event.wait</c> between frames, leaving the GIL to everything else; it is a
/// daemon thread, so it ends with its kernel (delete, restart, server stop).
/// </summary>
public static class SampleSession
{
    public const string Name = "sample";
    public const string BufferName = "frame";

    /// <summary>Rows × columns: small enough to cost nothing, big enough for a picture.</summary>
    public static readonly long[] Shape = [96, 128];

    public static BufferSpec Spec => new() { Name = BufferName, Format = "<f", Shape = Shape, Fill = new FillSpec { Kind = "zeros" } };

    /// <summary>What the sample's console runs first: the writer, and the way to stop it.</summary>
    public const string Writer = """
        # The sample's writer: a wave drifting across frame, 20 times a second, from a thread of its own.
        # It writes through one numpy array over frame's memory: the live export the buffer list counts.
        import threading, numpy as np

        def _write_waves(picture, stop):
            rows, columns = picture.shape
            y, x = np.mgrid[0:rows, 0:columns].astype(np.float32)
            t = 0
            while not stop.wait(1 / 20):
                t += 1
                picture[:] = np.sin((x + 3 * t) / 10) * np.cos((y - 2 * t) / 8)

        writer_stop = threading.Event()
        writer = threading.Thread(target=_write_waves, args=(np.asarray(frame), writer_stop), name="sample writer", daemon=True)
        writer.start()

        def stop_writer():
            "Stops the writer; its export of frame ends with it."
            writer_stop.set()
            writer.join()
        """;

    /// <summary>
    /// Makes the sample and starts its writer. If a step after the session's creation fails (numpy
    /// missing from the interpreter, a buffer limit), the half-made session is deleted and the
    /// failure thrown as the server said it.
    /// </summary>
    public static async Task<SessionDto> StartAsync(IBufferscopeClient client, CancellationToken cancellationToken = default)
    {
        var session = await client.CreateSessionAsync(Name, null, cancellationToken);
        try
        {
            await client.CreateBufferAsync(session.Id, Spec, cancellationToken);
            var run = await client.RunAsync(session.Id, Writer, cancellationToken);
            if (!run.Ok)
                throw new BufferscopeApiException(0, run.Error?.Type ?? "Error", $"the sample's writer did not start: {run.Error?.Type}: {run.Error?.Message}");
            return session;
        }
        catch (Exception e) when (e is BufferscopeApiException or OperationCanceledException)
        {
            // Force: the writer may have taken its export before failing.
            try { await client.DeleteSessionAsync(session.Id, force: true, CancellationToken.None); }
            catch (BufferscopeApiException) { } // the first failure is the one to tell
            throw;
        }
    }
}
