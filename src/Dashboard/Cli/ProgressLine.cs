using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// A running check's progress on stderr: on a terminal one line rewritten in place (at most ten
/// times a second), in a CI log a line every <see cref="LogInterval"/>, so a long check shows it is
/// alive without filling the log; the last state is always written. <see cref="Show"/> is called on
/// the run's thread, <see cref="End"/> once the run has completed.
/// </summary>
public sealed class ProgressLine(TextWriter writer, bool terminal)
{
    public static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private DateTime _last = DateTime.MinValue;
    private int _width;

    public void Show(CheckRun run)
    {
        var now = DateTime.UtcNow;
        lock (_lock)
        {
            if (run.IsRunning && now - _last < (terminal ? TerminalInterval : LogInterval))
                return;
            _last = now;
            var report = run.Report();
            if (report.Total == 0)
                return; // ended before its first case (a target that does not resolve): the error says it all
            var text = Text(report);
            if (terminal)
            {
                // Padded to the last line's width: a shorter line would leave the end of the old one.
                writer.Write("\r" + text.PadRight(_width));
                _width = text.Length;
            }
            else
                writer.WriteLine(text);
            writer.Flush();
        }
    }

    /// <summary>Ends the rewritten line, so what follows starts on a line of its own.</summary>
    public void End()
    {
        lock (_lock)
        {
            if (terminal && _width > 0)
                writer.WriteLine();
            writer.Flush();
        }
    }

    public static string Text(CheckReport report)
    {
        var counts = CheckKinds.All.Where(k => report.Counts.GetValueOrDefault(k) > 0).Select(k => $"{k} {report.Counts[k]}");
        var total = report.Total > 0 ? report.Total.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        return $"bufferscope check: {report.Done}/{total} cases" + string.Concat(counts.Select(c => ", " + c));
    }
}
