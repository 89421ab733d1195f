using System.Text.Json;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Turns every exception that escapes an endpoint into an RFC 9457 problem. Clients learn what
/// they did wrong and nothing about the server: no exception text or stack trace ever leaves it.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException validation => ValidationProblem(validation),
            ProblemException refusal => WithExtensions(new ProblemDetails { Status = refusal.Status, Title = refusal.Title, Detail = refusal.Detail }, refusal),
            BadHttpRequestException { InnerException: JsonException json } when MissingRequiredFields(json) is { Length: > 0 } missing =>
                Missing(missing),
            BadHttpRequestException { InnerException: JsonException { Path: { Length: > 2 } path } } => FieldError(path, Lang.Pick("格式不正确", "Has the wrong type")),
            BadHttpRequestException { InnerException: JsonException } => Problem(StatusCodes.Status400BadRequest,
                Lang.Pick("请求内容不是有效的 JSON", "The request body is not valid JSON")),
            BadHttpRequestException badRequest => Problem(badRequest.StatusCode,
                LocalizedTitle(badRequest.StatusCode) ?? Lang.Pick("请求格式不正确", "The request is malformed")),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
            // Only an outage is worth retrying; a refused statement is a bug, and a bug is a 500.
            _ when DatabaseOutage.Is(exception) => Unavailable(context, exception),
            _ => Unexpected(exception),
        };
        if (problem is null) return true; // the client went away; nobody is left to answer
        if (exception is ProblemException { RetryAfter: { } retryAfter })
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (exception is ProblemException { Denial: { } denial })
        {
            try
            {
                await context.RequestServices.GetRequiredService<AuditLog>().RecordOutsideTransactionAsync(
                    AuditActor.Of(context.RequestServices.GetRequiredService<CurrentStaff>()), denial, "denied", CancellationToken.None);
            }
            catch (Exception auditFailure) when (auditFailure is NpgsqlException or TimeoutException)
            {
                // A refusal that leaves no trace is not answered as if it had.
                problem = Unavailable(context, auditFailure);
            }
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static HttpValidationProblemDetails ValidationProblem(ValidationException exception) =>
        new(exception.Errors
            .GroupBy(error => JsonFieldName(error.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(error => error.ErrorMessage).Distinct().ToArray()))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = ValidationTitle,
        };

    /// <summary>A value of the wrong JSON type ("description": 123), or text with a control character, is a mistake in that field.</summary>
    private static HttpValidationProblemDetails FieldError(string jsonPath, string message) =>
        new(new Dictionary<string, string[]>
        {
            [jsonPath.TrimStart('$', '.')] = [message],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = ValidationTitle,
        };

    /// <summary>A required field left out ({"reason": "x"} without "approve") is a mistake in that field.</summary>
    private static HttpValidationProblemDetails Missing(string[] fields) =>
        new(fields.ToDictionary(field => field, _ => new[] { Lang.Pick("必填", "Required") }))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = ValidationTitle,
        };

    /// <summary>The fields System.Text.Json names in "…missing required properties including: 'a', 'b'."</summary>
    private static string[] MissingRequiredFields(JsonException exception) =>
        exception.Message.Contains("missing required properties", StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Matches(exception.Message[exception.Message.IndexOf("including", StringComparison.Ordinal)..], "'([^']+)'")
                .Select(match => JsonNamingPolicy.CamelCase.ConvertName(match.Groups[1].Value)).ToArray()
            : [];

    private static string ValidationTitle => Lang.Pick("提交的内容有误，请按提示修改", "Some fields need correcting");

    /// <summary>"Contact.Phone" → "contact.phone", matching the JSON the client sent.</summary>
    private static string JsonFieldName(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    /// <summary>Titles for the statuses the framework itself produces, in the caller's language.</summary>
    public static string? LocalizedTitle(int status) => status switch
    {
        StatusCodes.Status400BadRequest => Lang.Pick("请求格式不正确", "The request is malformed"),
        StatusCodes.Status401Unauthorized => Lang.Pick("请先登录", "Sign in first"),
        StatusCodes.Status403Forbidden => Lang.Pick("您没有执行此操作的权限", "You are not allowed to do this"),
        StatusCodes.Status404NotFound => Lang.Pick("未找到", "Not found"),
        StatusCodes.Status405MethodNotAllowed => Lang.Pick("不支持该请求方法", "Method not allowed"),
        StatusCodes.Status413PayloadTooLarge => Lang.Pick("请求内容过大", "The request body is too large"),
        StatusCodes.Status415UnsupportedMediaType => Lang.Pick("请求内容类型不受支持，请使用 application/json", "Unsupported content type: send application/json"),
        _ => null,
    };

    private static ProblemDetails WithExtensions(ProblemDetails problem, ProblemException refusal)
    {
        foreach (var (name, value) in refusal.Extensions) problem.Extensions[name] = value;
        return problem;
    }

    private static ProblemDetails Problem(int status, string title) => new() { Status = status, Title = title };

    private ProblemDetails Unavailable(HttpContext context, Exception exception)
    {
        logger.LogError("Database unavailable: {Reason}", exception.Message);
        context.Response.Headers.RetryAfter = "5";
        return Problem(StatusCodes.Status503ServiceUnavailable, Lang.Pick("服务暂时不可用，请稍后重试", "The service is temporarily unavailable; please try again shortly"));
    }

    private ProblemDetails Unexpected(Exception exception)
    {
        logger.LogError(exception, "Unhandled exception");
        return Problem(StatusCodes.Status500InternalServerError, Lang.Pick("服务器内部错误", "An unexpected error occurred"));
    }
}
