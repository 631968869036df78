using System.Net;

namespace Bufferscope.Dashboard.Security;

/// <summary>Reads Kestrel's listen addresses (<c>http://127.0.0.1:5080</c>, <c>http://*:80</c>, <c>http://[::]:5080</c>).</summary>
public static class BindingAddress
{
    /// <summary>The host part, without brackets: <c>127.0.0.1</c>, <c>::1</c>, <c>localhost</c>, <c>*</c>, <c>+</c>.</summary>
    public static string HostOf(string address)
    {
        var rest = address.Contains("://", StringComparison.Ordinal) ? address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..] : address;
        rest = rest.Split('/')[0];
        if (rest.StartsWith('['))
            return rest[1..Math.Max(1, rest.IndexOf(']'))];
        var colon = rest.LastIndexOf(':');
        return colon < 0 ? rest : rest[..colon];
    }

    /// <summary>A loopback name or address; a wildcard (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>::</c>) is not.</summary>
    public static bool IsLoopback(string address)
    {
        var host = HostOf(address);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
