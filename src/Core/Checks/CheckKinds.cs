namespace Bufferscope.Core.Checks;

/// <summary>
/// What a case can give, by the names the API uses. Everything but <see cref="Passed"/> and
/// <see cref="Refused"/> is a finding: refusing a buffer is allowed, so refusals are counted apart.
/// </summary>
public static class CheckKinds
{
    public const string Passed = "passed";
    public const string Wrong = "wrong";
    public const string Crash = "crash";
    public const string Hang = "hang";
    public const string OobWrite = "oob-write";
    public const string ReadonlyWrite = "readonly-write";
    public const string LeakedExport = "leaked-export";
    public const string Refused = "refused";

    /// <summary>Every kind, in the order counts are shown.</summary>
    public static readonly IReadOnlyList<string> All = [Passed, Wrong, Crash, Hang, OobWrite, ReadonlyWrite, LeakedExport, Refused];

    public static bool IsFinding(string kind) => kind is not (Passed or Refused);
}
