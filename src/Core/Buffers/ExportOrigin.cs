namespace Bufferscope.Core.Buffers;

/// <summary>
/// Where in Python an export was asked for: file, line and function. Empty when no Python frame
/// asked (.NET did). A console run's file is its prompt, <c>In [3]</c>, as IPython names a cell,
/// so the views panel says "In [3], line 2" of a line the user can see in the console.
/// </summary>
public sealed record ExportOrigin(string File, int Line, string Function)
{
    public static readonly ExportOrigin None = new("", 0, "");
    public static readonly ExportOrigin TooMany = new("<origin table full>", 0, "");

    /// <summary>The file name a console run's code is compiled under: its prompt.</summary>
    public static string CellFile(long n) => $"In [{n}]";

    public bool IsCell => File.StartsWith("In [", StringComparison.Ordinal) && File.EndsWith(']');

    public override string ToString() => File.Length == 0 ? "" : IsCell ? $"{File}, line {Line}" : $"{File}:{Line}";
}
