using Bufferscope.Core.Kernels;
using Bufferscope.Core.Sessions;

namespace Bufferscope.Dashboard.Api.Contracts;

/// <summary>
/// A session: its kernel, and on the sessions API (not the hub's snapshot, which lists the buffers
/// themselves) how many buffers it has and how many live exports they have between them.
/// </summary>
public sealed record SessionDto(string Id, string Name, DateTimeOffset CreatedAt, KernelDto? Kernel = null, int? Buffers = null, int? Exports = null)
{
    public static SessionDto From(SessionInfo s, KernelStatus? kernel = null, SessionCounts? counts = null) =>
        new(s.Id, s.Name, s.CreatedAt, kernel is null ? null : KernelDto.From(kernel), counts?.Buffers, counts?.Exports);
}

/// <summary>POST /api/sessions: a name, and the interpreter's path (one GET /api/interpreters lists; null: the default).</summary>
public sealed record CreateSessionRequest(string? Name, string? Python = null);

/// <summary>A session's kernel: state starting|idle|busy|dead|restarting, its process, its interpreter, how the last one ended.</summary>
public sealed record KernelDto(string State, int? Pid, KernelPythonDto? Python, KernelExitDto? LastExit)
{
    public static KernelDto From(KernelStatus k) => new(k.State, k.Pid,
        k.Python is null ? null : new KernelPythonDto(k.Python.Version, k.Python.Executable),
        k.LastExit is null ? null : new KernelExitDto(k.LastExit.Code, k.LastExit.Signal, k.LastExit.Reason, k.LastExit.At));
}

public sealed record KernelPythonDto(string Version, string Executable);

public sealed record KernelExitDto(int? Code, int? Signal, string Reason, DateTimeOffset At);

/// <summary>POST /api/sessions/{sid}/restart: the session with its new kernel, the buffers bound again, and those lost with why.</summary>
public sealed record RestartDto(SessionDto Session, IReadOnlyList<BufferDto> Rebound, IReadOnlyList<string> Lost);
