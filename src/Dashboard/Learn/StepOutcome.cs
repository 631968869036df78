using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Api.Contracts;

namespace Bufferscope.Dashboard.Learn;

/// <summary>
/// What running a step gave: the console run and or the workbench answer, what Python says the
/// question's answer is (<see cref="Actual"/>), and whether the learner's prediction was it.
/// </summary>
/// <param name="Actual">The check's value now (null for a step with no question).</param>
/// <param name="Right">The learner's answer was <see cref="Actual"/>; null with no question.</param>
/// <param name="Failure">The step did not do what the lesson says (code that raised when it should not, a check that failed): shown, and the lesson test fails on it.</param>
public sealed record StepOutcome(RunResponse? Run, RequestAnswer? Answer, string? Actual, bool? Right, string? Failure);
