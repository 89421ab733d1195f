using System.Net.Mail;
using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// A citizen files a complaint. It is routed to the category's default section, gets its
/// acceptance deadline, a tracking code and a query password (returned once, stored as a hash),
/// and its timeline starts with a public "submitted" event.
/// </summary>
public static class SubmitComplaint
{
    /// <param name="CategoryCode">A code from GET /api/v1/categories.</param>
    /// <param name="Description">What happened, where and when: 1–4000 characters.</param>
    /// <param name="Township">Township or street (乡镇/街道), at most 50 characters.</param>
    /// <param name="Address">Address or landmark, at most 200 characters.</param>
    /// <param name="Contact">Optional: a complaint may be anonymous.</param>
    public sealed record Command(
        string CategoryCode,
        string Description,
        string? Township = null,
        string? Address = null,
        Contact? Contact = null) : ICommand<Result>;

    /// <param name="Phone">Mainland mobile number, e.g. 13800138000 (+86, spaces and hyphens allowed).</param>
    public sealed record Contact(string? Name = null, string? Phone = null, string? Email = null);

    /// <param name="QueryPassword">Shown once: only its hash is stored.</param>
    /// <param name="AcceptBy">The bureau's date by which the section decides to accept or reject.</param>
    public sealed record Result(
        string TrackingCode,
        string QueryPassword,
        ComplaintStatus Status,
        string CategoryCode,
        string SectionCode,
        string SectionName,
        DateTimeOffset SubmittedAt,
        DateOnly AcceptBy);

    public const int MaxDescriptionLength = 4000;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.CategoryCode)
                .NotEmpty().WithMessage(_ => Lang.Pick("请选择投诉类别", "Choose a category"))
                .MaximumLength(64).WithMessage(_ => UnknownCategory);

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
                .Must(email => ComplaintText.Clean(email) is not { } clean || IsEmail(clean))
                .WithMessage(_ => Lang.Pick("请填写正确的电子邮箱", "Enter a valid email address"))
                .When(c => c.Contact is not null);
        }

        private static bool IsEmail(string email) =>
            email.Length <= 254 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email
            && parsed.Host.Contains('.') && !parsed.Host.EndsWith('.');
    }

    /// <summary>The category must exist and be open for new complaints; checked in memory, before any transaction.</summary>
    public sealed class CategoryIsKnown : AbstractValidator<Command>
    {
        public CategoryIsKnown(CategoryCatalog catalog) =>
            RuleFor(c => c.CategoryCode)
                .MustAsync(async (code, _) => string.IsNullOrEmpty(code) || await catalog.FindActiveCategoryAsync(code) is not null)
                .WithMessage(_ => UnknownCategory);
    }

    private static string UnknownCategory => Lang.Pick("未知的投诉类别", "Unknown category");

    public sealed class Handler(WriteTransaction database, CategoryCatalog catalog, BureauClock clock, WorkingDayCalendar calendar)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            // Validated by CategoryIsKnown; only a category retired a moment ago can be missing here.
            var category = await catalog.FindActiveCategoryAsync(command.CategoryCode)
                ?? throw new ValidationException([new FluentValidation.Results.ValidationFailure(nameof(Command.CategoryCode), UnknownCategory)]);
            var section = await catalog.GetSectionAsync(category.DefaultSectionCode);

            var submittedAt = clock.UtcNow;
            var acceptBy = calendar.AddWorkingDays(clock.DateOf(submittedAt), category.AcceptWithinDays);
            var queryPassword = SecretCode.New();
            var parameters = new DynamicParameters(new
            {
                categoryCode = category.Code,
                description = ComplaintText.Clean(command.Description),
                township = ComplaintText.Clean(command.Township),
                address = ComplaintText.Clean(command.Address),
                contactName = ComplaintText.Clean(command.Contact?.Name),
                contactPhone = PhoneNumber.Normalize(command.Contact?.Phone),
                contactEmail = ComplaintText.Clean(command.Contact?.Email),
                sectionCode = section.Code,
                submittedAt,
                acceptBy,
                passwordHash = QueryPasswordHash.Create(queryPassword),
            });

            // The case and the first event of its timeline in one statement (one round trip).
            // A fresh random code collides with an existing one about once in 2^59 tries; if it does, draw again.
            string trackingCode;
            long? id;
            do
            {
                trackingCode = SecretCode.New();
                parameters.Add("trackingCode", trackingCode);
                id = await database.QuerySingleOrDefaultAsync<long?>(
                    """
                    with complaint as (
                        insert into complaints (tracking_code, query_password_hash, category_code, description, township, address,
                                                contact_name, contact_phone, contact_email, channel, status, section_code,
                                                submitted_at, accept_by, updated_at)
                        values (@trackingCode, @passwordHash, @categoryCode, @description, @township, @address,
                                @contactName, @contactPhone, @contactEmail, 'web', 'submitted', @sectionCode,
                                @submittedAt, @acceptBy, @submittedAt)
                        on conflict (tracking_code) do nothing
                        returning id
                    )
                    insert into complaint_events (complaint_id, type, visibility, actor_kind, data, occurred_at)
                    select id, 'submitted', 'public', 'citizen', jsonb_build_object('sectionCode', @sectionCode::text), @submittedAt
                    from complaint
                    returning complaint_id
                    """,
                    parameters, cancellationToken);
            } while (id is null);

            return new Result(trackingCode, queryPassword, ComplaintStatus.Submitted, category.Code,
                section.Code, Lang.Pick(section.NameZh, section.NameEn), submittedAt, acceptBy);
        }
    }
}
