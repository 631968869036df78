using Scalar.AspNetCore;

namespace Bufferscope.Dashboard.Api;

/// <summary>
/// The API reference: Scalar's viewer over the OpenAPI document (<c>/openapi/v1.json</c>), at
/// <see cref="Path"/>. It must work with no internet (a lab machine, CI): Scalar.AspNetCore serves
/// its script from the package itself (embedded, under <see cref="Path"/>), and what it would
/// fetch from elsewhere by default is off: its fonts' CDN, telemetry, and the AI agent and MCP
/// features that talk to scalar.com. It sits behind the same token as the API, its script and
/// icon too (the package maps those as anonymous: <see cref="Security.SecurityServices.RequireTokenUnder"/>),
/// so a signed-in browser sees it and nobody else; its "try it" calls are same-origin, with that
/// browser's ticket.
/// </summary>
public static class ApiReference
{
    public const string Path = "/scalar";

    public const string Description =
        "Sessions (each a Python kernel process), their buffers (PEP 3118 exporters whose memory the server shows live), " +
        "that memory's bytes, and the console. Every request needs the server's token: `Authorization: Bearer <token>`, " +
        "or, in a browser, the ticket cookie from opening the URL the server printed. Errors are RFC 7807 problem+json. " +
        "Live data (events, memory, pictures) is on the SignalR hub at `/hubs/buffers`, which this document does not describe.";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapScalarApiReference(Path, o => o
            .WithTitle("Bufferscope API")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            // Its developer toolbar offers Scalar's hosted services (share, SDKs, deploy): nothing of ours.
            .HideDeveloperTools());
}
