using System.Globalization;
using System.Text.RegularExpressions;
using Bufferscope.Core.Checks;

namespace Bufferscope.Dashboard.Cli;

/// <summary>
/// The flags of <c>check</c>, parsed: where Python is, how each kernel is set up (the directories
/// put on sys.path, then every --import, --setup and --setup-file in the order given), what is
/// checked and how (the <see cref="CheckRequest"/>'s fields, by their flag names), and which reports
/// to write. A flag takes its value as the next argument or after '='. Anything else is a
/// <see cref="UsageException"/> naming the flag and what it allows; the values the request checks
/// (cases, the case timeout) are left to <see cref="CheckRequest.Validated"/>, so there is one rule.
/// </summary>
public sealed partial record CheckArguments
{
    public bool Help { get; private init; }
    public string? Python { get; private init; }
    /// <summary>Each --path, made absolute against the current directory.</summary>
    public IReadOnlyList<string> Paths { get; private init; } = [];
    public IReadOnlyList<KernelSetup.Step> Setup { get; private init; } = [];
    public string Mode { get; private init; } = "consumer";
    public string? Target { get; private init; }
    public string? Reference { get; private init; }
    public string? Cases { get; private init; }
    public int Seed { get; private init; } = 1;
    public int CaseTimeoutMs { get; private init; } = 2000;
    public string? JUnit { get; private init; }
    public string? Pytest { get; private init; }

    public const string Usage = """
        Usage: bufferscope check --consumer TARGET [options]

        Runs TARGET over every buffer layout of a case set (C, Fortran, strided, negative strides,
        offsets, read-only; 10-37 formats) in kernel processes of its own, and reports what it got
        wrong. A crash or a hang is a finding; the check goes on in a fresh kernel.

        What to check (one of):
          --consumer TARGET       a callable that takes one buffer: 'module:function', or an
                                  expression after the setup, e.g. 'numpy.sum'
          --exporter TARGET       an object (an expression after the setup) to send every request
                                  to (the base requests x WRITABLE x FORMAT), each answer held
                                  to PEP 3118's rules
          --reference TARGET      the oracle, called on a C-contiguous copy of each case
                                  (default: TARGET itself on the copy)

        How:
          --cases SET             quick, standard or exhaustive (default: standard; consumers)
          --seed N                seed of the random layouts (default: 1)
          --case-timeout-ms N     a case running longer is interrupted; one that ignores the
                                  interrupt is a hang (10 to 60000, default: 2000)

        The kernel (Python runs isolated there: PYTHONPATH and the user site are ignored):
          --python PATH           a shared CPython 3.11-3.13, or a virtual environment's bin/python
                                  (default: Bufferscope:Python:Executable, BUFFERSCOPE_PYTHON, or
                                  /usr/bin/python3)
          --path DIR              put DIR on sys.path, after the current directory (repeatable)
          --import MODULE         run 'import MODULE' (repeatable)
          --setup CODE            run CODE (repeatable)
          --setup-file PATH       run the file's code (repeatable)
                                  --import, --setup and --setup-file run in the order given

        Reports:
          --junit PATH            JUnit XML: a failing test case per finding, one passing for the rest
          --pytest PATH           a pytest file with a test per finding that rebuilds its buffer
                                  (ctypes only: no numpy, no bufferscope) and calls TARGET on it

        Exit status: 0 no finding (refusals are allowed, not findings), 1 findings,
        2 a usage error or a check that could not run (a target that does not resolve, a setup
        that fails, a Python that cannot be embedded), 130 interrupted.

        """;

    private const string Allowed = "--consumer, --exporter, --reference, --cases, --seed, --case-timeout-ms, --python, --path, --import, --setup, --setup-file, --junit, --pytest, --help";

    /// <summary>The command line after <c>check</c>; throws <see cref="UsageException"/>.</summary>
    public static CheckArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new CheckArguments();
        var paths = new List<string>();
        var setup = new List<KernelSetup.Step>();
        string? targetFlag = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (flag, inline) = args[i].IndexOf('=') is var eq and > 0 && args[i].StartsWith("--", StringComparison.Ordinal)
                ? (args[i][..eq], args[i][(eq + 1)..])
                : (args[i], null);
            string Value(string what)
            {
                if (inline is not null)
                    return inline;
                if (i + 1 >= args.Count)
                    throw new UsageException($"{flag} needs a value: {flag} {what}");
                return args[++i];
            }
            switch (flag)
            {
                case "--help" or "-h":
                    return new CheckArguments { Help = true };
                case "--consumer" or "--exporter":
                    if (targetFlag is not null)
                        throw new UsageException($"{flag} after {targetFlag}: a check has one target; give --consumer TARGET or --exporter TARGET once");
                    targetFlag = flag;
                    parsed = parsed with { Mode = flag[2..], Target = Value("TARGET") };
                    break;
                case "--reference":
                    parsed = parsed with { Reference = Value("TARGET") };
                    break;
                case "--cases":
                    parsed = parsed with { Cases = Value(CaseSet.Allowed.Replace(", ", "|", StringComparison.Ordinal)) };
                    break;
                case "--seed":
                    parsed = parsed with { Seed = Integer(flag, Value("N")) };
                    break;
                case "--case-timeout-ms":
                    parsed = parsed with { CaseTimeoutMs = Integer(flag, Value("N")) };
                    break;
                case "--python":
                    parsed = parsed with { Python = Path.GetFullPath(NotEmpty(flag, Value("PATH"))) };
                    break;
                case "--path":
                    var directory = Path.GetFullPath(NotEmpty(flag, Value("DIR")));
                    if (!Directory.Exists(directory))
                        throw new UsageException($"--path {directory}: no such directory");
                    paths.Add(directory);
                    break;
                case "--import":
                    var module = Value("MODULE");
                    if (!ModuleName().IsMatch(module))
                        throw new UsageException($"--import '{module}' is not a module name: give a dotted name such as 'mymodule' or 'package.module' (run other code with --setup)");
                    setup.Add(new KernelSetup.Step($"--import {module}", $"import {module}"));
                    break;
                case "--setup":
                    setup.Add(new KernelSetup.Step("--setup", NotEmpty(flag, Value("CODE"))));
                    break;
                case "--setup-file":
                    var file = Path.GetFullPath(NotEmpty(flag, Value("PATH")));
                    if (!File.Exists(file))
                        throw new UsageException($"--setup-file {file}: no such file");
                    setup.Add(new KernelSetup.Step($"--setup-file {file}", File.ReadAllText(file)));
                    break;
                case "--junit":
                    parsed = parsed with { JUnit = Path.GetFullPath(NotEmpty(flag, Value("PATH"))) };
                    break;
                case "--pytest":
                    parsed = parsed with { Pytest = Path.GetFullPath(NotEmpty(flag, Value("PATH"))) };
                    break;
                default:
                    throw new UsageException(flag.StartsWith('-')
                        ? $"unknown option '{flag}'; the options are {Allowed}"
                        : $"unexpected argument '{flag}': every value follows its flag, e.g. --consumer mymodule:process");
            }
        }
        if (parsed.Target is null)
            throw new UsageException("no target: give --consumer TARGET (a callable that takes one buffer, e.g. mymodule:process) or --exporter TARGET");
        return parsed with { Paths = paths, Setup = setup };
    }

    /// <summary>The request the flags make, not yet validated.</summary>
    public CheckRequest Request() => new()
    {
        Mode = Mode,
        Target = Target,
        Reference = Reference,
        Cases = Cases,
        Seed = Seed,
        CaseTimeoutMs = CaseTimeoutMs,
    };

    /// <summary>The flag that sets a request field, for an error <see cref="CheckRequest.Validated"/> names by field.</summary>
    public string FlagOf(string? field) => field switch
    {
        "target" or "mode" => $"--{Mode}",
        "reference" => "--reference",
        "cases" => "--cases",
        "seed" => "--seed",
        "caseTimeoutMs" => "--case-timeout-ms",
        _ => field ?? "check",
    };

    private static int Integer(string flag, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new UsageException($"{flag} '{value}' is not a whole number");

    private static string NotEmpty(string flag, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"{flag} is empty") : value;

    [GeneratedRegex(@"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")]
    private static partial Regex ModuleName();
}
