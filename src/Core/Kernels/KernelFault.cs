using Bufferscope.Core.Buffers;
using Bufferscope.Core.Python;
using Bufferscope.Core.Sessions;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// A refusal crossing the socket: Core's exceptions (a bad spec, an unknown id, a buffer still
/// exported, a limit) leave the kernel as this record and are thrown again, the same type with
/// the same message and fields, on the server, so the API answers a kernel's refusal exactly as
/// it answered Core's in-process one.
/// </summary>
public sealed record KernelFault(string Kind, string Message, string? Parameter, int LiveExports)
{
    public const int Code = -32010;

    public static bool Covers(Exception e) =>
        e is BufferSpecException or NotFoundException or BufferLifetimeException or LimitExceededException or ArgumentOutOfRangeException or PythonException;

    public static LocalRpcException ToRpc(Exception e)
    {
        var fault = e switch
        {
            BufferSpecException spec => new KernelFault(nameof(BufferSpecException), spec.Detail, spec.ParamName, 0),
            ArgumentOutOfRangeException range => new KernelFault(nameof(ArgumentOutOfRangeException), range.Message.Split(" (Parameter")[0], range.ParamName, 0),
            BufferLifetimeException lifetime => new KernelFault(nameof(BufferLifetimeException), lifetime.Message, null, lifetime.LiveExports),
            PythonException python => new KernelFault(nameof(PythonException), python.PythonMessage, python.PythonType, 0),
            _ => new KernelFault(e.GetType().Name, e.Message, null, 0),
        };
        return new LocalRpcException(fault.Message) { ErrorCode = Code, ErrorData = fault };
    }

    public Exception ToException() => Kind switch
    {
        nameof(BufferSpecException) => new BufferSpecException(Parameter ?? "", Message),
        nameof(NotFoundException) => new NotFoundException(Message),
        nameof(BufferLifetimeException) => new BufferLifetimeException(Message, LiveExports),
        nameof(LimitExceededException) => new LimitExceededException(Message),
        nameof(ArgumentOutOfRangeException) => new ArgumentOutOfRangeException(Parameter, Message.Split(" (Parameter")[0]),
        _ => new PythonException(Parameter ?? Kind, Message, ""),
    };

    /// <summary>Runs a kernel-side call, turning Core's refusals into faults the server can rethrow.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try { return await call().ConfigureAwait(false); }
        catch (Exception e) when (Covers(e)) { throw ToRpc(e); }
    }

    public static Task Guard(Func<Task> call) => Guard(async () => { await call().ConfigureAwait(false); return 0; });

    /// <summary>Server side: the call's result, or the refusal it carried thrown as what it was.</summary>
    public static async Task<T> Unwrap<T>(Task<T> call)
    {
        try { return await call.ConfigureAwait(false); }
        catch (RemoteInvocationException e) when (e.ErrorCode == Code && e.DeserializedErrorData is KernelFault fault) { throw fault.ToException(); }
    }

    public static async Task Unwrap(Task call)
    {
        try { await call.ConfigureAwait(false); }
        catch (RemoteInvocationException e) when (e.ErrorCode == Code && e.DeserializedErrorData is KernelFault fault) { throw fault.ToException(); }
    }
}

/// <summary>StreamJsonRpc, told that errors with <see cref="KernelFault.Code"/> carry a <see cref="KernelFault"/>.</summary>
internal sealed class KernelJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
{
    protected override Type? GetErrorDetailsDataType(JsonRpcError error) =>
        error.Error?.Code == (JsonRpcErrorCode)KernelFault.Code ? typeof(KernelFault) : base.GetErrorDetailsDataType(error);
}
