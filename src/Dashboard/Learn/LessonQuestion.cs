namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// A prediction asked before the step runs. <see cref="Check"/> says where the truth is: for a
/// step that runs code, a Python expression evaluated after it (its <c>str()</c>); for a request
/// step, a field of the workbench's answer (<see cref="RequestAnswerField"/>). The page judges the
/// learner against what Python says at that moment, and the lesson test holds
/// <see cref="Answer"/>, the author's recorded answer, to the same value, so a lesson cannot
/// teach something Python does not do.
/// </summary>
/// <param name="Choices">The answers offered; empty for a value the learner types.</param>
public sealed record LessonQuestion(string Ask, IReadOnlyList<string> Choices, string Answer, string Check, string Explain)
{
    public bool IsChoice => Choices.Count > 0;

    /// <summary>Whether <paramref name="given"/> is <paramref name="actual"/>: the same text, ignoring the spaces around it and inside brackets' commas ("(8,2)" is "(8, 2)").</summary>
    public static bool Same(string? given, string? actual) =>
        given is not null && actual is not null && Normal(given) == Normal(actual);

    private static string Normal(string text) =>
        string.Join(" ", text.Trim().Replace(", ", ",").Replace(",", ", ").Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
