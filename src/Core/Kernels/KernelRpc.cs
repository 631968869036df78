using System.IO.Pipelines;
using System.Net.Sockets;
using MessagePack;
using MessagePack.Resolvers;
using StreamJsonRpc;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The wire between server and kernel, the same on both ends: StreamJsonRpc over a Unix domain
/// socket, length-prefixed MessagePack (no hand-rolled framing), records serialised by their
/// property names. Control traffic only: bulk memory goes through shared mappings.
/// </summary>
internal static class KernelRpc
{
    /// <summary>The server's callback a kernel notifies with each batch of its session's changes.</summary>
    public const string ChangedMethod = "changed";

    private static readonly MessagePackSerializerOptions Serializer =
        MessagePackSerializerOptions.Standard.WithResolver(CompositeResolver.Create(
            // Core's records have no MessagePack attributes: contractless, by property name.
            NativeDateTimeResolver.Instance, ContractlessStandardResolverAllowPrivate.Instance))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public static JsonRpc Attach(Socket socket, object? target = null)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var formatter = new MessagePackFormatter();
        formatter.SetMessagePackSerializerOptions(Serializer);
        // Pipes straight over the socket: a message is written to it by the thread that sends it
        // and read by the thread that waits for it. Given the stream itself, the handler pumps it
        // through pipes with a task each way (Nerdbank.Streams' UsePipeReader/UsePipeWriter), two
        // more thread wake-ups per message, and a run is at least three messages.
        var rpc = new KernelJsonRpc(new LengthHeaderMessageHandler(PipeWriter.Create(stream), PipeReader.Create(stream), formatter))
        {
            // Exceptions cross as their type name and message, never as serialised objects.
            ExceptionStrategy = ExceptionProcessing.CommonErrorData,
        };
        if (target is not null)
            rpc.AddLocalRpcTarget(target);
        return rpc;
    }
}
