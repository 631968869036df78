using System.Security.Cryptography;
using System.Text;
using Bufferscope.Core;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// The one secret that lets a client in, as a notebook server's token: Bufferscope:AccessToken or
/// BUFFERSCOPE_TOKEN, else 192 random bits made at start. A configured token shorter than
/// <see cref="MinimumLength"/> is refused, since whoever guesses it runs code as this user.
/// </summary>
public sealed class AccessToken
{
    public const int MinimumLength = 32;
    public const string EnvironmentVariable = "BUFFERSCOPE_TOKEN";
    private readonly byte[] _bytes;

    private AccessToken(string value, bool generated)
    {
        Value = value;
        Generated = generated;
        _bytes = Encoding.UTF8.GetBytes(value);
    }

    public string Value { get; }

    /// <summary>Made at this start (printed in full), rather than configured (never printed).</summary>
    public bool Generated { get; }

    public static AccessToken From(BufferscopeOptions options)
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : options.AccessToken;
        if (string.IsNullOrEmpty(configured))
            return new AccessToken(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), generated: true);
        if (configured.Length < MinimumLength || configured.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ConfigurationRefusedException(
                $"the configured access token (Bufferscope:AccessToken or {EnvironmentVariable}) has {Plural.Count(configured.Length, "character")}; it needs at least {MinimumLength}, " +
                "with no spaces. Leave it unset to have a random one made at each start, or make one with: openssl rand -hex 24");
        return new AccessToken(configured, generated: false);
    }

    /// <summary>Compares in constant time, so the answer's timing tells nothing about the token.</summary>
    public bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _bytes);
}
