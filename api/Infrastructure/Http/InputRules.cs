using System.Text.Json;
using FluentValidation;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// The rules every input obeys, whatever route it comes by, checked at the edge so that nothing
/// malformed reaches a handler or the database: no control characters in any text (query strings,
/// paths, JSON strings; line breaks and tabs allowed in JSON text), and dates within the years the
/// service can mean.
/// </summary>
public static class InputRules
{
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);
    public static readonly DateOnly LatestDate = new(2099, 12, 31);

    /// <summary>One address, written as the mail system will read it, with a dotted domain.</summary>
    public static bool IsEmailAddress(string email) =>
        email.Length <= 254 && System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email
        && parsed.Host.Contains('.') && !parsed.Host.EndsWith('.');

    /// <summary>C0 and C1 control characters and DEL; with <paramref name="allowLineBreaks"/>, tab, line feed and carriage return pass.</summary>
    public static bool HasControlCharacters(string text, bool allowLineBreaks)
    {
        foreach (var c in text)
            if (c < '\u0020' ? !(allowLineBreaks && c is '\t' or '\n' or '\r') : c is >= '\u007f' and <= '\u009f')
                return true;
        return false;
    }

    public static string ControlCharacterMessage => Lang.Pick("包含不允许的控制字符", "Contains control characters");

    /// <summary>A date between <see cref="EarliestDate"/> and <see cref="LatestDate"/>, when given.</summary>
    public static IRuleBuilderOptions<T, DateOnly?> WithinServiceYears<T>(this IRuleBuilder<T, DateOnly?> rule) =>
        rule.Must(date => date is null || (date >= EarliestDate && date <= LatestDate))
            .WithMessage(_ => OutOfRangeMessage);

    public static string OutOfRangeMessage => Lang.Pick(
        $"日期须在 {EarliestDate:yyyy-MM-dd} 至 {LatestDate:yyyy-MM-dd} 之间", $"A date must be between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}");

    /// <summary>
    /// 400 for a query value or path with a control character, naming the parameter ("path" for
    /// the path), before routing binds it to anything.
    /// </summary>
    public static Task RefuseControlCharacters(HttpContext context, RequestDelegate next)
    {
        var errors = new Dictionary<string, string[]>();
        if (HasControlCharacters(context.Request.Path.Value ?? "", allowLineBreaks: false)) errors["path"] = [ControlCharacterMessage];
        foreach (var (name, values) in context.Request.Query)
            if (HasControlCharacters(name, false) || values.Any(v => v is not null && HasControlCharacters(v, false)))
                errors[HasControlCharacters(name, false) ? "query" : name] = [ControlCharacterMessage];
        if (errors.Count == 0) return next(context);
        throw new ValidationException(errors.Select(e => new FluentValidation.Results.ValidationFailure(e.Key, e.Value[0])));
    }

    /// <summary>
    /// 400 for a JSON body with a control character in any string or property name (tab and line
    /// breaks pass: descriptions have paragraphs), naming the field as the request spells it
    /// ("contact.name", "answers.when"). JSON carries such characters only escaped (\u0000) or as
    /// raw DEL and C1 bytes, so each string is read as the handler would read it. The body (at most
    /// 64 KB, <see cref="HttpSetup.MaxJsonBodyBytes"/>) is buffered and read again by the endpoint;
    /// malformed JSON is left for the framework's own 400.
    /// </summary>
    public static async Task RefuseControlCharactersInJson(HttpContext context, RequestDelegate next)
    {
        if (context.Request.HasJsonContentType() && context.Request.ContentLength is null or <= HttpSetup.MaxJsonBodyBytes)
        {
            context.Request.EnableBuffering((int)HttpSetup.MaxJsonBodyBytes, HttpSetup.MaxJsonBodyBytes);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            context.Request.Body.Position = 0;
            if (FieldWithControlCharacters(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } field)
                throw new ValidationException([new FluentValidation.Results.ValidationFailure(field, ControlCharacterMessage)]);
        }
        await next(context);
    }

    /// <summary>The path of the first string with a control character, or null (also for JSON that does not parse).</summary>
    public static string? FieldWithControlCharacters(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        // One entry per open object (the name of its property being read) or array (null).
        var names = new List<string?>();
        string Path() => names.Any(n => n is not null) ? string.Join('.', names.Where(n => n is not null)) : "body";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        names.Add(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        names.RemoveAt(names.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        names[^1] = reader.GetString();
                        if (HasControlCharacters(names[^1]!, allowLineBreaks: false)) return Path();
                        break;
                    case JsonTokenType.String when HasControlCharacters(reader.GetString()!, allowLineBreaks: true):
                        return Path();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the endpoint's binding answers that.
        }
        catch (InvalidOperationException)
        {
            // A string that is not valid UTF-16 once unescaped (a lone surrogate): the binding refuses it too.
        }
        return null;
    }
}
