namespace Bufferscope.Core.Buffers;

/// <summary>Where in Python an export was asked for: file, line and function. Empty when no Python frame asked (.NET did).</summary>
public sealed record ExportOrigin(string File, int Line, string Function)
{
    public static readonly ExportOrigin None = new("", 0, "");
    public static readonly ExportOrigin TooMany = new("<origin table full>", 0, "");

    public override string ToString() => File.Length == 0 ? "" : $"{File}:{Line}";
}
