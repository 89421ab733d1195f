using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Feedback.Api.Features.Publication;

/// <summary>
/// A member of the handling section proposes publishing a resolved or closed case — or edits
/// the proposal, or the published text, which then waits for approval again — with a summary
/// and a result they wrote. Only their words are published, with the category, township and
/// month of resolution taken from the case; never its description, contact details or photos.
/// </summary>
public static class ProposePublication
{
    public const int SummaryMax = 500;
    public const int ResultMax = 2000;

    /// <param name="Summary">What the problem was, in the bureau's words (plain text, at most 500 characters).</param>
    /// <param name="Result">What was found and done (plain text, at most 2000 characters).</param>
    public sealed record Request(string? Summary, string? Result);

    public sealed record Command(string TrackingCode, int Version, string? Summary, string? Result) : ICommand<PublicationActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Summary).RequiredText(SummaryMax);
            RuleFor(c => c.Result).RequiredText(ResultMax);
        }
    }

    private sealed record CaseFacts(string? ContactName, string? ContactPhone, string? ContactEmail, DateTime? ResolvedAt, DateTime UpdatedAt, string? Township);

    public sealed class Handler(CasePublications publications, WriteTransaction database, BureauClock clock) : ICommandHandler<Command, PublicationActionResult>
    {
        public async ValueTask<PublicationActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var target = await publications.BeginAsync(command.TrackingCode, command.Version, PublicationAction.Propose, cancellationToken);
            var summary = ComplaintText.Clean(command.Summary)!;
            var result = ComplaintText.Clean(command.Result)!;
            var facts = await database.QuerySingleAsync<CaseFacts>(
                "select contact_name, contact_phone, contact_email, resolved_at, updated_at, township from complaints where id = @Id",
                target.Case, cancellationToken);
            RefuseIdentifyingText(target.Case.TrackingCode, facts, summary, result);

            var resolvedOn = clock.DateOf(new DateTimeOffset(facts.ResolvedAt ?? facts.UpdatedAt, TimeSpan.Zero));
            var values = new
            {
                complaintId = target.Case.Id,
                target.Publication.Id,
                target.Publication.Version,
                category = target.Case.CategoryCode,
                township = facts.Township,
                month = new DateOnly(resolvedOn.Year, resolvedOn.Month, 1),
                summary,
                result,
                me = publications.Viewer.Id,
                now = publications.Now,
            };
            // The first proposal inserts (another one racing it finds the row: 412); later ones
            // update the version read, and clear the last decision.
            var version = target.Publication.Id is null
                ? await database.QuerySingleOrDefaultAsync<int?>(
                    """
                    insert into published_cases (complaint_id, status, category_code, township, resolved_month, summary, result, proposed_by, proposed_at)
                    values (@complaintId, 'proposed', @category, @township, @month, @summary, @result, @me, @now)
                    on conflict (complaint_id) do nothing
                    returning version
                    """, values, cancellationToken)
                : await database.QuerySingleOrDefaultAsync<int?>(
                    """
                    update published_cases
                    set status = 'proposed', category_code = @category, township = @township, resolved_month = @month,
                        summary = @summary, result = @result, proposed_by = @me, proposed_at = @now,
                        decided_by = null, decided_at = null, decision_reason = null, version = version + 1
                    where id = @Id and version = @Version
                    returning version
                    """, values, cancellationToken);
            if (version is null) throw CasePublications.Stale();

            return await publications.FinishAsync(target, PublicationAction.Propose, "proposed", version.Value,
                new CaseEvent(CasePublications.Proposed, Data: new { summary, result, wasPublished = target.Publication.Status == "published" })
                {
                    Notices = [new(StaffNotices.PublicationPending, new { })],
                },
                new { Status = "proposed", Version = version, Summary = summary, Result = result }, reason: null, cancellationToken);
        }
    }

    /// <summary>
    /// The citizen's contact details and the tracking code must not be published by accident; the
    /// description cannot be checked this way (it is free text), which is why only staff-written text is stored.
    /// </summary>
    private static void RefuseIdentifyingText(string trackingCode, CaseFacts facts, string summary, string result)
    {
        var failures = new List<ValidationFailure>();
        foreach (var (field, text) in new[] { (nameof(Command.Summary), summary), (nameof(Command.Result), result) })
        {
            var compact = text.Replace(" ", "").Replace("-", "");
            var leaks = (facts.ContactPhone is { } phone && compact.Contains(phone, StringComparison.Ordinal))
                        || (facts.ContactEmail is { } email && text.Contains(email, StringComparison.OrdinalIgnoreCase))
                        || (facts.ContactName is { Length: >= 2 } name && text.Contains(name, StringComparison.OrdinalIgnoreCase))
                        || compact.Contains(trackingCode, StringComparison.OrdinalIgnoreCase);
            if (leaks)
                failures.Add(new ValidationFailure(field, Lang.Pick(
                    "不能包含投诉人的姓名、电话、邮箱或查询编号",
                    "Must not contain the complainant's name, phone, email or the tracking code")));
        }
        if (failures.Count > 0) throw new ValidationException(failures);
    }
}
