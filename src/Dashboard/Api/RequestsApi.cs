using Bufferscope.Core;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Requests;
using Bufferscope.Dashboard.Security;

namespace Bufferscope.Dashboard.Api;

/// <summary>/api/sessions/{sid}/request: the request workbench. Put chosen flags to an exporter and see what it fills, beside CPython's reference exporter.</summary>
public static class RequestsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/sessions/{sid}/request", async (string sid, WorkbenchRequest request, KernelSessions sessions, BufferscopeOptions options) =>
            {
                var (bufferId, expression, flags) = request.Validated(options.Limits.MaxCodeLength);
                return await sessions.RequestAsync(sid, bufferId, expression, flags);
            })
            .WithTags("Requests")
            // An expression is code the session runs: the console's rate limit holds for it too.
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<RunRateLimit>().InvokeAsync(context, next))
            .WithSummary("Ask an exporter (bufferId, or an expression in the session) for a buffer with these flags (a number, or names such as " +
                "\"PyBUF_FULL_RO\" or \"PyBUF_ND | PyBUF_FORMAT\"): ok, flagNames, the Py_buffer fields filled (null where NULL) or the error, " +
                "and reference: what _testbuffer.ndarray answers for the same layout. The view is released before the answer returns");
    }
}
