using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// A citizen files a complaint online. <see cref="ComplaintIntake"/> routes it, sets its acceptance
/// deadline and draws a tracking code and a query password (returned once, stored as a hash).
/// </summary>
public static class SubmitComplaint
{
    /// <param name="CategoryCode">A code from GET /api/v1/categories.</param>
    /// <param name="Description">What happened, where and when: 1–4000 characters.</param>
    /// <param name="Address">Address or landmark, at most 200 characters.</param>
    /// <param name="Township">Township or street (乡镇/街道): a value from GET /api/v1/townships.</param>
    /// <param name="Contact">Optional: a complaint may be anonymous.</param>
    /// <param name="Answers">Answers to the category's questions, by question key (choice: the option's value).</param>
    /// <param name="Latitude">Map pin (WGS-84 degrees), with Longitude or not at all; inside GET /api/v1/service-area.</param>
    /// <param name="PhotoIds">Up to 9 uploads (POST /api/v1/uploads) made with this request's X-Device-Token.</param>
    /// <param name="NotifyBy">The citizen's consent to be told of the case's progress: by SMS to Contact.Phone, by email to
    /// Contact.Email. Only channels GET /api/v1/notification-channels offers; empty or absent, nobody is told (contact details
    /// are then for the handling staff only).</param>
    public sealed record Command(
        string CategoryCode,
        string Description,
        string? Township = null,
        string? Address = null,
        Contact? Contact = null,
        IReadOnlyDictionary<string, string?>? Answers = null,
        double? Latitude = null,
        double? Longitude = null,
        IReadOnlyList<Guid>? PhotoIds = null,
        IReadOnlyList<NotifyChannel>? NotifyBy = null) : ICommand<Result>, IComplaintFields
    {
        /// <summary>The Idempotency-Key header, if sent; not part of the body.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string? IdempotencyKey { get; init; }

        /// <summary>The X-Device-Token header, which must be the one that uploaded the photos.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string? DeviceToken { get; init; }
    }


    /// <param name="Phone">Mainland mobile number, e.g. 13800138000 (+86, spaces and hyphens allowed).</param>
    public sealed record Contact(string? Name = null, string? Phone = null, string? Email = null);

    /// <param name="QueryPassword">Shown once: only its hash is stored.</param>
    /// <param name="AcceptBy">The bureau's date by which the section decides to accept or reject.</param>
    /// <param name="ResolveBy">The latest date by which the section resolves the case: the category's resolution
    /// deadline counted from AcceptBy. Acceptance sets the case's own date (earlier when accepted earlier), as GET /api/v1/complaints/{trackingCode} shows.</param>
    public sealed record Result(
        string TrackingCode,
        string QueryPassword,
        ComplaintStatus Status,
        string CategoryCode,
        string SectionCode,
        string SectionName,
        DateTimeOffset SubmittedAt,
        DateOnly AcceptBy,
        DateOnly ResolveBy)
    {
        /// <summary>True when an Idempotency-Key replay answered with the original submission; not part of the body.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool Replayed { get; init; }
    }

    public const int MaxDescriptionLength = 4000;

    public sealed class Validator : ComplaintFieldsValidator<Command>
    {
        public Validator() => RuleFor(c => c.PhotoIds).PhotoIds();
    }

    public sealed class CategoryIsKnown(CategoryCatalog catalog) : CategoryIsKnown<Command>(catalog);

    /// <summary>Each channel consented to is offered here and comes with its contact.</summary>
    public sealed class Consent : AbstractValidator<Command>
    {
        public Consent(NotificationChannels channels)
        {
            RuleFor(c => c.NotifyBy).Custom((notifyBy, context) =>
            {
                if (notifyBy is not { Count: > 0 }) return;
                var command = context.InstanceToValidate;
                foreach (var channel in notifyBy.Distinct())
                {
                    var sms = channel == NotifyChannel.Sms;
                    if (!channels.Offers(channel))
                        context.AddFailure(nameof(Command.NotifyBy), sms
                            ? Lang.Pick("本服务暂未开通短信通知", "This service does not send text messages")
                            : Lang.Pick("本服务暂未开通邮件通知", "This service does not send email"));
                    else if (sms ? PhoneNumber.Normalize(command.Contact?.Phone) is null : ComplaintText.Clean(command.Contact?.Email) is null)
                        context.AddFailure(nameof(Command.NotifyBy), sms
                            ? Lang.Pick("选择短信通知，请填写手机号码", "To be told by text message, give your mobile number")
                            : Lang.Pick("选择邮件通知，请填写电子邮箱", "To be told by email, give your email address"));
                }
            });
        }
    }

    public sealed class Guided(CategoryCatalog catalog, Infrastructure.FeedbackOptions options) : GuidedFields<Command>(catalog, options, enforceRequired: true);

    /// <summary>The fields a complaint has however it arrives (online, or registered by staff).</summary>
    public interface IComplaintFields
    {
        string CategoryCode { get; }
        string Description { get; }
        string? Township { get; }
        string? Address { get; }
        Contact? Contact { get; }
        IReadOnlyDictionary<string, string?>? Answers { get; }
        double? Latitude { get; }
        double? Longitude { get; }
    }

    public abstract class ComplaintFieldsValidator<T> : AbstractValidator<T> where T : IComplaintFields
    {
        protected ComplaintFieldsValidator()
        {
            RuleFor(c => c.CategoryCode)
                .NotEmpty().WithMessage(_ => Lang.Pick("请选择投诉类别", "Choose a category"))
                .MaximumLength(64).WithMessage(_ => CategoryCatalog.UnknownCategory);

            RuleFor(c => c.Description)
                .Must(ComplaintText.SaysSomething)
                .WithMessage(_ => Lang.Pick("请描述您遇到的问题", "Describe the problem"))
                .Must(text => ComplaintText.Clean(text) is not { } clean || ComplaintText.CharacterCount(clean) <= MaxDescriptionLength)
                .WithMessage(_ => Lang.Pick($"问题描述不能超过 {MaxDescriptionLength} 个字", $"The description must be at most {MaxDescriptionLength} characters"))
                .Must(ComplaintText.HasNoHiddenCharacters)
                .WithMessage(_ => ComplaintText.HiddenCharactersMessage);

            RuleFor(c => c.Township).OptionalText(50);
            RuleFor(c => c.Address).OptionalText(200);

            RuleFor(c => c.Contact!.Name).OptionalText(50).When(c => c.Contact is not null);
            RuleFor(c => c.Contact!.Phone)
                .Must(phone => ComplaintText.Clean(phone) is null || PhoneNumber.Normalize(phone) is not null)
                .WithMessage(_ => Lang.Pick("请填写正确的 11 位手机号码", "Enter a valid 11-digit mainland mobile number"))
                .When(c => c.Contact is not null);
            RuleFor(c => c.Contact!.Email)
                .Must(email => ComplaintText.Clean(email) is not { } clean || InputRules.IsEmailAddress(clean))
                .WithMessage(_ => Lang.Pick("请填写正确的电子邮箱", "Enter a valid email address"))
                .When(c => c.Contact is not null);
        }
    }

    /// <summary>The category must exist and be open for new complaints; checked in memory, before any transaction.</summary>
    public abstract class CategoryIsKnown<T> : AbstractValidator<T> where T : IComplaintFields
    {
        protected CategoryIsKnown(CategoryCatalog catalog) =>
            RuleFor(c => c.CategoryCode)
                .MustAsync(async (code, _) => string.IsNullOrEmpty(code) || await catalog.FindActiveCategoryAsync(code) is not null)
                .WithMessage(_ => CategoryCatalog.UnknownCategory);
    }

    public sealed class Handler(CategoryCatalog catalog, ComplaintIntake intake, SubmissionIdempotency idempotency, PhotoAttachments photos)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var key = command.IdempotencyKey;
            var requestHash = key is null ? null : SubmissionIdempotency.RequestHash(command);
            if (key is not null && await idempotency.ClaimAsync(key, requestHash!, cancellationToken) is { } earlier) return earlier;

            // Validated by CategoryIsKnown; only a category retired a moment ago can be missing here.
            var category = await catalog.FindActiveCategoryAsync(command.CategoryCode)
                ?? throw new ValidationException([new FluentValidation.Results.ValidationFailure(nameof(Command.CategoryCode), CategoryCatalog.UnknownCategory)]);
            var filed = await intake.FileAsync(new ComplaintIntake.NewComplaint(
                category,
                ComplaintText.Clean(command.Description)!,
                ComplaintText.Clean(command.Township),
                ComplaintText.Clean(command.Address),
                ComplaintText.Clean(command.Contact?.Name),
                PhoneNumber.Normalize(command.Contact?.Phone),
                ComplaintText.Clean(command.Contact?.Email),
                ComplaintChannel.Web,
                TakenBy: null,
                Answers: CategoryQuestions.CleanAnswers(command.Answers), Latitude: command.Latitude, Longitude: command.Longitude,
                QueryPassword: key is null ? null : SubmissionIdempotency.QueryPasswordFor(key),
                NotifyBy: command.NotifyBy, Language: Lang.Current), cancellationToken);
            await photos.AttachAsync(filed.Id, command.PhotoIds, command.DeviceToken, "photoIds", cancellationToken);
            var result = new Result(filed.TrackingCode, filed.QueryPassword, ComplaintStatus.Submitted, category.Code,
                filed.Section.Code, Lang.Pick(filed.Section.NameZh, filed.Section.NameEn), filed.SubmittedAt, filed.AcceptBy, filed.ResolveBy);
            if (key is not null) await idempotency.RememberAsync(key, requestHash!, filed.Id, result, cancellationToken);
            return result;
        }
    }
}
