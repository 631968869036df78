namespace Bufferscope.Core.Python;

/// <summary>
/// PyConfig is opaque and changes between minor versions; these offsets were measured with gcc
/// <c>offsetof</c> against each version's headers. Add a row per version measured.
/// </summary>
internal sealed record PyConfigLayout(int Size, int ProgramName, int Home)
{
    private static readonly Dictionary<(int, int), PyConfigLayout> s_layouts = new()
    {
        [(3, 11)] = new PyConfigLayout(Size: 424, ProgramName: 264, Home: 280), // Debian 3.11.2, pyenv 3.11.7
        [(3, 12)] = new PyConfigLayout(Size: 432, ProgramName: 272, Home: 288), // pyenv 3.12.1
        [(3, 13)] = new PyConfigLayout(Size: 448, ProgramName: 280, Home: 296), // pyenv 3.13.0
    };

    internal static string Known => string.Join(", ", s_layouts.Keys.Select(k => $"{k.Item1}.{k.Item2}"));

    internal static PyConfigLayout? For(Version version) =>
        s_layouts.GetValueOrDefault((version.Major, version.Minor));
}
