using System.Text.Json;
using Bufferscope.Core.Buffers;
using Bufferscope.Core.Kernels;
using Bufferscope.Core.Python;
using Bufferscope.Core.Sessions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Bufferscope.Dashboard.Api;

/// <summary>
/// Every error an API call can meet, as RFC 7807 problem+json whose detail says what is wrong and
/// what is allowed. Core's exceptions carry that text already; this only picks the status.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BufferSpecException e => (400, "Invalid buffer", e.Detail),
            InterpreterNotAllowedException e => (400, "Interpreter not allowed", e.Message.Split(" (Parameter")[0]),
            ArgumentOutOfRangeException e => (400, "Out of range", e.Message.Split(" (Parameter")[0]),
            BadHttpRequestException { InnerException: JsonException json } e => (e.StatusCode, "Invalid JSON", $"{e.Message} {json.Message}"),
            BadHttpRequestException e => (e.StatusCode, e.StatusCode == 413 ? "Too large" : "Bad request", e.Message),
            NotFoundException e => (404, "Not found", e.Message),
            BufferLifetimeException e => (409, "BufferError", e.Message),
            LimitExceededException e => (409, "Limit reached", e.Message),
            KernelDiedException e => (409, "Kernel died", e.Message),
            KernelStartException e => (503, "Kernel did not start", e.Message),
            PythonException e => (500, "Python error", e.Message),
            _ => (500, "Server error", "the server failed; see its log"),
        };
        if (status >= 500)
            log.LogError(exception, "{Method} {Path} failed", context.Request.Method, context.Request.Path);

        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (exception is BufferLifetimeException { LiveExports: > 0 } lifetime)
            problem.Extensions["exports"] = lifetime.LiveExports;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
