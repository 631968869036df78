namespace Bufferscope.Core.Checks;

/// <summary>
/// compare.py's text: how a check compares results and places elements, which the check's kernel
/// loads and a pytest reproduction file includes as it is, so both judge a case the same way.
/// </summary>
public static class CompareScript
{
    public static string Source { get; } = Read();

    private static string Read()
    {
        using var stream = typeof(CompareScript).Assembly.GetManifestResourceStream("compare.py")
            ?? throw new InvalidOperationException("embedded script compare.py is missing");
        return new StreamReader(stream).ReadToEnd();
    }
}
