using Bufferscope.Core.Sessions;

namespace Bufferscope.Core.Kernels;

/// <summary>What a restart bound again over the same memory, and what it could not (with why).</summary>
public sealed record RestartResult(IReadOnlyList<BufferDescriptor> Rebound, IReadOnlyList<string> Lost);
