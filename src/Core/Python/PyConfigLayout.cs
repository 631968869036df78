namespace Bufferscope.Core.Python;

/// <summary>
/// PyConfig is opaque and changes between minor versions; these offsets were measured with gcc
/// <c>offsetof</c> against each version's headers. Add a row per version measured.
/// </summary>
internal sealed record PyConfigLayout(int Size, int ProgramName, int Home)
{
    private static readonly Dictionary<(int, int), PyConfigLayout> s_layouts = new()
    {
        [(3, 11)] = new PyConfigLayout(Size: 424, ProgramName: 264, Home: 280),
    };

    internal static string Known => string.Join(", ", s_layouts.Keys.Select(k => $"{k.Item1}.{k.Item2}"));

    internal static PyConfigLayout? For(Version version) =>
        s_layouts.GetValueOrDefault((version.Major, version.Minor));
}
