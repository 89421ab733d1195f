using System.Text.Json;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// 补充材料: while the case is open (submitted, accepted, in progress) the citizen adds text
/// and/or photos to it with the tracking code and query password. It becomes a public
/// "supplement" event on the timeline, which the handling section sees on the case.
/// </summary>
public static class AddSupplement
{
    /// <param name="Text">What the citizen adds: 1–2000 characters; optional when photos are sent.</param>
    /// <param name="PhotoIds">Up to 9 uploads (POST /api/v1/uploads) of the same device.</param>
    public sealed record Request(string? Text = null, IReadOnlyList<Guid>? PhotoIds = null);

    public sealed record Command(string TrackingCode, string? QueryPassword, string? DeviceToken, string? Text, IReadOnlyList<Guid>? PhotoIds)
        : ICommand<Result>;

    /// <param name="Photos">Every photo of the case now, the new ones included.</param>
    public sealed record Result(DateTimeOffset At, string? Text, IReadOnlyList<Guid> PhotoIds, IReadOnlyList<CasePhoto> Photos);

    public const int MaxTextLength = 2000;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Text).OptionalText(MaxTextLength);
            RuleFor(c => c.PhotoIds).PhotoIds();
            RuleFor(c => c.Text)
                .Must((command, text) => ComplaintText.SaysSomething(text) || command.PhotoIds is { Count: > 0 })
                .WithMessage(_ => Lang.Pick("请填写补充内容或添加照片", "Write something or add a photo"));
        }
    }

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    public sealed class Handler(CitizenAccess access, WriteTransaction database, PhotoAttachments attachments, BureauClock clock)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = await access.VerifyAsync(command.TrackingCode, command.QueryPassword, cancellationToken);
            // Shared lock: a staff action resolving the case at this moment waits, or is waited for.
            var status = ComplaintStatuses.Parse(await database.QuerySingleAsync<string>(
                "select status from complaints where id = @id for share", new { id }, cancellationToken));
            if (!status.IsOpen())
                throw new ProblemException(StatusCodes.Status409Conflict, Lang.Pick(
                    $"案件当前状态为“{status.Name(english: false)}”，不能再补充材料",
                    $"The case is {status.Name(english: true)}: information can no longer be added"));

            var photoIds = command.PhotoIds?.ToArray() ?? [];
            await attachments.AttachAsync(id, photoIds, command.DeviceToken, "photoIds", cancellationToken);
            var text = ComplaintText.Clean(command.Text);
            var now = clock.UtcNow;
            await database.ExecuteAsync(
                """
                insert into complaint_events (complaint_id, type, visibility, actor_kind, message, data, occurred_at)
                values (@id, 'supplement', 'public', 'citizen', @text, @data::jsonb, @now)
                """,
                new { id, text, data = JsonSerializer.Serialize(new { photoIds }, DataJson), now }, cancellationToken);
            var photos = await database.QuerySingleAsync<string>(
                $"select {CasePhotoList.Sql} from complaints c where c.id = @id", new { id }, cancellationToken);
            return new Result(now, text, photoIds, CasePhotoList.Parse(photos));
        }
    }
}
