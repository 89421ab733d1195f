using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// 一个窗口受理: a staff member registers a complaint taken by phone, letter or visit. It is routed
/// and timed exactly like one filed online; the tracking code and query password are read out
/// or written back to the citizen.
/// </summary>
public static class RegisterComplaint
{
    /// <param name="Channel">phone, letter or visit (web is for the citizens' own submissions).</param>
    /// <param name="Answers">Answers to the category's questions as the citizen gave them; required ones may be left out (the caller may not have said).</param>
    /// <param name="Latitude">Map pin, as for an online complaint.</param>
    public sealed record Command(
        ComplaintChannel Channel,
        string CategoryCode,
        string Description,
        string? Township = null,
        string? Address = null,
        SubmitComplaint.Contact? Contact = null,
        IReadOnlyDictionary<string, string?>? Answers = null,
        double? Latitude = null,
        double? Longitude = null) : ICommand<SubmitComplaint.Result>, SubmitComplaint.IComplaintFields;

    public sealed class Validator : SubmitComplaint.ComplaintFieldsValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Channel).Must(channel => channel is ComplaintChannel.Phone or ComplaintChannel.Letter or ComplaintChannel.Visit)
                .WithMessage(_ => Lang.Pick("请选择来源：电话、来信或来访", "Choose the channel: phone, letter or visit"));
    }

    public sealed class CategoryIsKnown(CategoryCatalog catalog) : SubmitComplaint.CategoryIsKnown<Command>(catalog);

    public sealed class Guided(CategoryCatalog catalog, Infrastructure.FeedbackOptions options) : GuidedFields<Command>(catalog, options, enforceRequired: false);

    public sealed class Handler(CategoryCatalog catalog, ComplaintIntake intake, AuditLog audit, CurrentStaff staff)
        : ICommandHandler<Command, SubmitComplaint.Result>
    {
        public async ValueTask<SubmitComplaint.Result> Handle(Command command, CancellationToken cancellationToken)
        {
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
                command.Channel,
                TakenBy: staff.Id,
                CategoryQuestions.CleanAnswers(command.Answers), command.Latitude, command.Longitude), cancellationToken);
            await audit.RecordAsync(AuditActor.Of(staff), new AuditEntry("complaint.register", "complaint", filed.TrackingCode,
                After: new { Status = "submitted", SectionCode = filed.Section.Code, Channel = command.Channel.ToString().ToLowerInvariant() }),
                cancellationToken);
            return new SubmitComplaint.Result(filed.TrackingCode, filed.QueryPassword, ComplaintStatus.Submitted, category.Code,
                filed.Section.Code, Lang.Pick(filed.Section.NameZh, filed.Section.NameEn), filed.SubmittedAt, filed.AcceptBy, filed.ResolveBy);
        }
    }
}
