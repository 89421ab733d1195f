using System.Security.Cryptography;
using System.Text;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// Another system files a case through GeoReport's POST requests.{format}: checked by the rules of
/// the native form, routed, timed and handled like any other, with the channel "open311" and the
/// key that filed it. The contact given is the case's contact, seen only by staff; nobody is sent
/// notices (the citizen consented to nothing here: the filing system keeps them informed).
/// </summary>
public static class FileOpen311Request
{
    /// <param name="Township">The active township named in address_string, if any: it routes the case as the native form's choice does.</param>
    /// <param name="Photos">Already checked and re-encoded (<see cref="PhotoProcessing"/>).</param>
    public sealed record Command(
        Open311Keys.Key Key,
        string CategoryCode,
        string Description,
        string? Township,
        string? Address,
        SubmitComplaint.Contact? Contact,
        IReadOnlyDictionary<string, string?>? Answers,
        double? Latitude,
        double? Longitude,
        string? DeviceId,
        string? AccountId,
        string? MediaUrl,
        IReadOnlyList<PhotoProcessing.Processed> Photos) : ICommand<Result>, SubmitComplaint.IComplaintFields;

    /// <param name="QueryPassword">The case's query password, for the filing system to follow the case natively and pass on to the citizen.</param>
    public sealed record Result(string TrackingCode, string QueryPassword, DateOnly AcceptBy);

    public sealed class Validator : SubmitComplaint.ComplaintFieldsValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c).Must(c => c.Latitude is not null || c.Longitude is not null || c.Address is not null)
                .OverridePropertyName("location")
                .WithMessage(_ => Lang.Pick("请给出位置：lat 和 long，或 address_string", "Give a location: lat and long, or address_string"));
            RuleFor(c => c.MediaUrl)
                .Must(url => url is null || url.Length <= 2000 && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    && !InputRules.HasControlCharacters(url, allowLineBreaks: false))
                .WithMessage(_ => Lang.Pick("须为 http 或 https 的完整网址，不超过 2000 个字符", "Must be a full http or https URL of at most 2000 characters"));
            RuleFor(c => c.DeviceId).OptionalText(200);
            RuleFor(c => c.AccountId).OptionalText(200);
        }
    }

    public sealed class Guided(CategoryCatalog catalog, Infrastructure.FeedbackOptions options)
        : GuidedFields<Command>(catalog, options, enforceRequired: true);

    public sealed class Handler(
        CategoryCatalog catalog, ComplaintIntake intake, WriteTransaction database, AuditLog audit, CurrentStaff caller, BureauClock clock)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            // Checked by the endpoint; only a category retired a moment ago can be missing here.
            var category = await catalog.FindActiveCategoryAsync(command.CategoryCode) is { Confidential: false } found ? found
                : throw new ProblemException(StatusCodes.Status404NotFound, NoSuchService(command.CategoryCode));
            var filed = await intake.FileAsync(new ComplaintIntake.NewComplaint(
                category,
                ComplaintText.Clean(command.Description)!,
                command.Township,
                ComplaintText.Clean(command.Address),
                ComplaintText.Clean(command.Contact?.Name),
                PhoneNumber.Normalize(command.Contact?.Phone),
                ComplaintText.Clean(command.Contact?.Email),
                ComplaintChannel.Open311,
                TakenBy: null,
                Answers: CategoryQuestions.CleanAnswers(command.Answers), Latitude: command.Latitude, Longitude: command.Longitude,
                Language: Lang.Current), cancellationToken);

            var now = clock.UtcNow;
            // The key's last use is kept to the minute, so concurrent requests with one key do not queue on its row.
            await database.ExecuteAsync(
                """
                with source as (
                    insert into open311_requests (complaint_id, key_id, device_id, account_id, media_url)
                    values (@complaintId, @keyId, @deviceId, @accountId, @mediaUrl)
                )
                update open311_keys set last_used_at = @now
                where id = @keyId and (last_used_at is null or last_used_at < @now - interval '1 minute')
                """,
                new
                {
                    complaintId = filed.Id, keyId = command.Key.Id, deviceId = ComplaintText.Clean(command.DeviceId),
                    accountId = ComplaintText.Clean(command.AccountId), mediaUrl = command.MediaUrl, now,
                }, cancellationToken);
            await AttachPhotosAsync(filed.Id, command, now, cancellationToken);
            await audit.RecordAsync(Actor(command.Key, caller), new AuditEntry("open311.request", "complaint", filed.TrackingCode,
                After: new { Channel = "open311", Key = command.Key.Name, category.Code, Photos = command.Photos.Count }), cancellationToken);
            return new Result(filed.TrackingCode, filed.QueryPassword, filed.AcceptBy);
        }

        /// <summary>The photos, given to the case at once, in the filing's transaction.</summary>
        private async Task AttachPhotosAsync(long complaintId, Command command, DateTimeOffset now, CancellationToken cancellationToken)
        {
            // Photos of a key belong to no citizen's device: a hash no device token can have.
            var deviceHash = SHA256.HashData(Encoding.UTF8.GetBytes($"open311:{command.Key.Id}"));
            foreach (var photo in command.Photos)
                await UploadPhoto.StoreAsync(database, photo, deviceHash, complaintId, now, cancellationToken);
        }
    }

    /// <summary>The key, as the audit log names who acted.</summary>
    public static AuditActor Actor(Open311Keys.Key key, CurrentStaff caller) => new(null, $"open311:{key.Name}", "open311", caller.IpAddress);

    public static string NoSuchService(string code) => Lang.Pick($"没有这项服务：{code}", $"No such service: {code}");

    /// <summary>
    /// A person's name from GeoReport's two fields: a Chinese name family name first and without a
    /// space (王 + 小明 → 王小明), any other "first last".
    /// </summary>
    public static string? FullName(string? first, string? last)
    {
        first = ComplaintText.Clean(first);
        last = ComplaintText.Clean(last);
        if (first is null || last is null) return first ?? last;
        return IsChinese(first) && IsChinese(last) ? last + first : $"{first} {last}";
    }

    private static bool IsChinese(string text) => text.All(c => c is >= '\u4e00' and <= '\u9fff' or '·');

    /// <summary>The active township an address names, the longest when several match ("城关镇解放路 12 号" → 城关镇).</summary>
    public static string? TownshipIn(string? address, IEnumerable<CategoryCatalog.Township> townships) =>
        address is null ? null : townships.Where(t => t.Active && address.Contains(t.NameZh, StringComparison.Ordinal))
            .OrderByDescending(t => t.NameZh.Length).Select(t => t.NameZh).FirstOrDefault();
}
