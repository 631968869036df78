using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Model;

/// <summary>
/// The Checks panel's request as the user fills it in: the target, the case set and the seed.
/// Only emptiness is checked here; the server says what else is wrong (a target that does not
/// resolve ends the check as failed, with why).
/// </summary>
public sealed class CheckForm
{
    public static readonly IReadOnlyList<string> CaseSets = [CaseSet.Quick, CaseSet.Standard, CaseSet.Exhaustive];

    public string Target { get; set; } = "";
    public string Cases { get; set; } = CaseSet.Quick;
    public int Seed { get; set; } = 1;

    public bool CanRun => !string.IsNullOrWhiteSpace(Target);

    /// <summary>The form as <paramref name="report"/>'s check was asked for, so Run runs it again; a target already typed stays, and an exporter check's target (an object, not a consumer) is not one.</summary>
    public void Prefill(CheckReport report)
    {
        if (!string.IsNullOrWhiteSpace(Target) || report.Mode != "consumer")
            return;
        Target = report.Target;
        Cases = CaseSets.Contains(report.Cases) ? report.Cases : Cases;
        Seed = report.Seed;
    }

    public CheckRequest ToRequest() => new() { Mode = "consumer", Target = Target.Trim(), Cases = Cases, Seed = Seed };

    /// <summary>What a case set runs, for the select's helper line: counted from Core's <see cref="CaseSet"/>, so it cannot drift from it.</summary>
    public static string Describe(string cases)
    {
        var formats = CaseSet.Formats(cases).Count;
        var layouts = CaseSet.Matrix("B", cases).Count();
        var random = CaseSet.RandomCount(cases);
        // A format the target refuses on its probe is left out of the rest: this is the most.
        return $"up to {formats + formats * layouts + random} cases: {formats} formats × {layouts} layouts, {random} random";
    }
}
