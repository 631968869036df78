using Bufferscope.Core.Python;

namespace Bufferscope.Core.Kernels;

/// <summary>
/// The interpreters a session may run on: the default (Bufferscope:Python:Executable) and each of
/// Bufferscope:Python:Interpreters, probed once when the server starts. A session names one by
/// its path as listed; any other path is refused with the list of what is allowed, so an API
/// caller can never make the server run a program of its choosing.
///
/// The default must work (the server refuses to start otherwise); a listed one that fails its
/// probe is kept, with why, so the list shows it and a session asking for it is told.
/// </summary>
public sealed class Interpreters
{
    private readonly IReadOnlyList<Interpreter> _all;

    public Interpreters(PythonOptions options, Func<string, PythonInstallation>? probe = null)
    {
        probe ??= PythonInstallation.Probe;
        Default = probe(options.Executable);
        var others = options.Interpreters
            .Where(p => !string.IsNullOrWhiteSpace(p) && !SamePath(p, options.Executable))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var probed = others.AsParallel().AsOrdered().Select(path =>
        {
            try { return new Interpreter(path, probe(path), null, false); }
            catch (PythonStartException e) { return new Interpreter(path, null, e.Message, false); }
        });
        _all = [new Interpreter(options.Executable, Default, null, true), .. probed];
    }

    public PythonInstallation Default { get; }

    /// <summary>Every allowed interpreter, the default first.</summary>
    public IReadOnlyList<Interpreter> All => _all;

    /// <summary>
    /// The installation a session asked for (null or empty: the default), or an
    /// <see cref="InterpreterNotAllowedException"/> naming what is allowed.
    /// </summary>
    public PythonInstallation Resolve(string? executable)
    {
        if (string.IsNullOrWhiteSpace(executable))
            return Default;
        var found = _all.FirstOrDefault(i => SamePath(i.Executable, executable))
            ?? throw new InterpreterNotAllowedException(
                $"python '{executable}' is not an allowed interpreter; allowed: {string.Join(", ", _all.Select(i => i.Describe()))}. " +
                "Add it to Bufferscope:Python:Interpreters to allow it.");
        return found.Installation ?? throw new InterpreterNotAllowedException($"python '{executable}' is allowed but does not work here: {found.Error}");
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
}
