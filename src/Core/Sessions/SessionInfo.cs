namespace Bufferscope.Core.Sessions;

/// <summary>A session as clients see it.</summary>
public sealed record SessionInfo(string Id, string Name, DateTimeOffset CreatedAt)
{
    /// <summary>1 to MaxSessionNameLength printable characters, else a <see cref="Buffers.BufferSpecException"/> saying so.</summary>
    public static void CheckName([System.Diagnostics.CodeAnalysis.NotNull] string? name, LimitOptions limits)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > limits.MaxSessionNameLength || name.Any(char.IsControl))
            throw new Buffers.BufferSpecException("name", $"session name must be 1 to {limits.MaxSessionNameLength} printable characters");
    }
}
