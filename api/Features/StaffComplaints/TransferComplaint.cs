using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.Users;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// 转办: the section head hands the case to another section, saying why (the citizen sees both).
/// The receiving section decides afresh, with a fresh acceptance deadline. A conduct case never
/// leaves discipline inspection.
/// </summary>
public static class TransferComplaint
{
    public static readonly CaseEventType Transferred = new("transferred", Public: true,
        w => Lang.Pick($"已转交{w.Section("toSection")}办理。原因：{w.Message}", $"Transferred to the {w.Section("toSection")}. Reason: {w.Message}"));

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.Transfer, Route = "/transfer", OperationName = "TransferComplaint",
        Summary = "转办: hand it to another section, with a reason (section head)",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(code, version, request.SectionCode, request.Reason)),
        Who = CaseActor.SectionHead, From = WhenStatus.Open, After = StatusAfter.Becomes(ComplaintStatus.Submitted),
        Requires = [new(facts => !facts.Confidential,
            "作风类投诉只能由纪检监察室办理，不能转办", "A conduct complaint stays with discipline inspection: it cannot be transferred")],
        Events = [Transferred], Done = ("转办", "transferred"),
    };

    public sealed record Request(string SectionCode, string Reason);

    public sealed record Command(string TrackingCode, int Version, string SectionCode, string Reason) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(CategoryCatalog catalog)
        {
            RuleFor(c => c.SectionCode).NotEmpty().WithMessage(_ => Lang.Pick("请选择接收科室", "Choose the receiving section"))
                .KnownSection(catalog);
            RuleFor(c => c.Reason).RequiredText(1000);
        }
    }

    public sealed class Handler(CaseHandling cases, CategoryCatalog catalog, WorkingDayCalendar calendar) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            if (command.SectionCode == current.SectionCode)
                throw new ValidationException([new ValidationFailure(nameof(Command.SectionCode),
                    Lang.Pick("案件已由该科室办理", "The case is already with that section"))]);

            var category = await catalog.GetCategoryAsync(current.CategoryCode);
            var acceptBy = calendar.AddWorkingDays(cases.Today, category.AcceptWithinDays);
            var reason = ComplaintText.Clean(command.Reason)!;
            return await cases.CommitAsync(current, Description,
                """
                section_code = @to, accept_by = @acceptBy, due_on = @acceptBy,
                resolve_by = null, decided_at = null, assignee_id = null
                """,
                new { to = command.SectionCode, acceptBy },
                new CaseEvent(Transferred, reason, new { fromSection = current.SectionCode, toSection = command.SectionCode, acceptBy })
                {
                    // A new case for the section it arrives in.
                    Notices = [new(StaffNotices.NewCase, new { })],
                },
                reason, cancellationToken);
        }
    }
}
