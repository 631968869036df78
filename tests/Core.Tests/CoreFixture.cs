using System.Text.Json;
using Bufferscope.Core.Sessions;

[assembly: AssemblyFixture(typeof(Bufferscope.Core.Tests.CoreFixture))]

namespace Bufferscope.Core.Tests;

/// <summary>
/// The real embedded interpreter, started once for the test process (CPython is once per
/// process). Tests run Python through the same session console users do.
/// </summary>
public sealed class CoreFixture
{
    public BufferscopeCore Core { get; } = BufferscopeCore.Start(new BufferscopeOptions
    {
        // BUFFERSCOPE_PYTHON runs the whole suite on another interpreter (test.sh does, for each one present).
        Python = new Bufferscope.Core.Python.PythonOptions().WithEnvironment(),
        Limits = new LimitOptions { MaxBufferBytes = 128L << 20, MaxTotalBytes = 384L << 20, MaxSessions = 1000, MaxBuffersPerSession = 1000 },
    });

    public SessionManager Sessions => Core.Sessions;

    /// <summary>A new session for one test, so tests never see each other's names.</summary>
    public async Task<string> NewSessionAsync(string name = "test") => (await Sessions.CreateAsync(name)).Id;

    /// <summary>Runs code and fails the test with Python's traceback if it raised.</summary>
    public async Task<ConsoleResult> RunOkAsync(string session, string code)
    {
        var result = await Sessions.RunAsync(session, code);
        SkipWhereMissing(result);
        Assert.True(result.Ok, $"Python failed:\n{code}\n---\n{result.Error?.Traceback}\nstdout: {result.Stdout}");
        return result;
    }

    /// <summary>
    /// On an interpreter other than the default (BUFFERSCOPE_PYTHON, e.g. a pyenv build), a test
    /// whose consumer (numpy, PIL) is not installed there is skipped, saying so. On the default one
    /// it fails: test.sh installs Debian's numpy and PIL for it.
    /// </summary>
    public void SkipWhereMissing(ConsoleResult result)
    {
        if (result.Error is { Type: "ModuleNotFoundError" } error && Core.Python.Installation.Executable != Bufferscope.Core.Python.PythonOptions.DefaultExecutable)
            Assert.Skip($"{error.Message} for Python {Core.Python.Installation.Version} ({Core.Python.Installation.Executable})");
    }

    /// <summary>Runs code whose last expression is json.dumps(...) and parses it.</summary>
    public async Task<JsonElement> RunJsonAsync(string session, string code)
    {
        var result = await RunOkAsync(session, code);
        Assert.NotNull(result.Result);
        // The console returns repr() of the value: a str literal, which json can read once unquoted.
        var text = (string)System.Text.Json.JsonSerializer.Deserialize<string>(PythonStringLiteral(result.Result!))!;
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>repr() of a str that json.dumps made: single-quoted, ASCII only; turn it into a JSON string literal.</summary>
    private static string PythonStringLiteral(string repr)
    {
        if (repr.Length >= 2 && repr[0] == '\'' && repr[^1] == '\'')
            return "\"" + repr[1..^1].Replace("\\'", "'", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return repr;
    }

    /// <summary>An embedded test script's text.</summary>
    public static string Script(string name)
    {
        using var stream = typeof(CoreFixture).Assembly.GetManifestResourceStream(name)!;
        return new StreamReader(stream).ReadToEnd();
    }
}
