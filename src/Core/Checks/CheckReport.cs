namespace Bufferscope.Core.Checks;

/// <summary>
/// A check as <c>GET .../checks/{id}</c> shows it: running, done, cancelled or failed (its target
/// did not resolve, its kernel could not start: <see cref="Error"/> says which), the cases in all
/// and done, the count of each kind, and the findings, shrunk.
/// </summary>
public sealed record CheckReport(
    string Id,
    string SessionId,
    string Mode,
    string Target,
    string? Reference,
    string Cases,
    int Seed,
    string State,
    int Total,
    int Done,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<Finding> Findings,
    string? Error,
    DateTimeOffset StartedAt,
    double ElapsedMs)
{
    /// <summary>Kernels the check started: one, and one more after each crash or killed hang.</summary>
    public int KernelStarts { get; init; }
    /// <summary>Of <see cref="ElapsedMs"/>, the time spent starting those kernels and setting them up.</summary>
    public double KernelStartMs { get; init; }

    /// <summary>Findings in all (not refusals), the CLI's exit status.</summary>
    public int FindingCount => Counts.Where(c => CheckKinds.IsFinding(c.Key)).Sum(c => c.Value);
}

/// <summary>The states a check goes through; every one but running is final.</summary>
public static class CheckStates
{
    public const string Running = "running";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
}
