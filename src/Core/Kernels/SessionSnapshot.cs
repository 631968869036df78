using Bufferscope.Core.Live;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// A session's state and its changes from before that state was read (<see cref="KernelSessions.SubscribeAsync"/>).
/// <see cref="Dropped"/> is the subscription's count of dropped batches when it was read: if it
/// grows, the reader fell behind and needs a new snapshot.
/// </summary>
public sealed record SessionSnapshot(SessionInfo Session, KernelStatus Kernel, IReadOnlyList<BufferDescriptor> Buffers, EventSubscription Changes, long Dropped);
