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
        var rpc = new KernelJsonRpc(new LengthHeaderMessageHandler(stream, stream, formatter))
        {
            // Exceptions cross as their type name and message, never as serialised objects.
            ExceptionStrategy = ExceptionProcessing.CommonErrorData,
        };
        if (target is not null)
            rpc.AddLocalRpcTarget(target);
        return rpc;
    }
}
