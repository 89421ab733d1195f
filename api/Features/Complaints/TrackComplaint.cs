using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Mediator;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// A citizen looks up their case with its tracking code and query password. An unknown code, a
/// wrong password and a missing one are indistinguishable (null → the same 404), so the endpoint
/// tells a guesser nothing. Only public events are shown.
/// </summary>
public static class TrackComplaint
{
    public sealed record Query(string TrackingCode, string? QueryPassword) : IQuery<Result?>;

    /// <param name="AcceptBy">The bureau's date by which the section decides to accept or reject.</param>
    public sealed record Result(
        string TrackingCode,
        ComplaintStatus Status,
        string CategoryCode,
        string CategoryName,
        string SectionName,
        DateTimeOffset SubmittedAt,
        DateOnly AcceptBy,
        IReadOnlyList<TimelineEntry> Timeline);

    /// <param name="Type">What happened: submitted, … (more types arrive with the staff workflow).</param>
    /// <param name="Message">The event described in the caller's language.</param>
    public sealed record TimelineEntry(string Type, DateTimeOffset At, string Message);

    public sealed class Handler(ReadDatabase database) : IQueryHandler<Query, Result?>
    {
        private sealed record CaseRow(
            string TrackingCode, string QueryPasswordHash, string Status, string CategoryCode,
            string CategoryName, string SectionName, DateTime SubmittedAt, DateOnly AcceptBy);

        private sealed record EventRow(string Type, DateTime OccurredAt, string? Message);

        /// <summary>Verified when the code is unknown, so both outcomes cost the same time.</summary>
        private static readonly string DecoyHash = QueryPasswordHash.Create(SecretCode.New());

        public async ValueTask<Result?> Handle(Query query, CancellationToken cancellationToken)
        {
            var trackingCode = SecretCode.Normalize(query.TrackingCode);
            var password = SecretCode.Normalize(query.QueryPassword);
            if (trackingCode is null || password is null) return null;

            var english = Lang.IsEnglish;
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            // One round trip: the case and its public timeline.
            await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                """
                select c.tracking_code, c.query_password_hash, c.status, c.category_code,
                       case when @english then cat.name_en else cat.name_zh end as category_name,
                       case when @english then s.name_en else s.name_zh end as section_name,
                       c.submitted_at, c.accept_by
                from complaints c
                join categories cat on cat.code = c.category_code
                join sections s on s.code = c.section_code
                where c.tracking_code = @trackingCode;

                select e.type, e.occurred_at, e.message
                from complaint_events e
                join complaints c on c.id = e.complaint_id
                where c.tracking_code = @trackingCode and e.visibility = 'public'
                order by e.id;
                """,
                new { trackingCode, english }, cancellationToken: cancellationToken));

            var row = await results.ReadSingleOrDefaultAsync<CaseRow>();
            var events = await results.ReadAsync<EventRow>();
            if (!QueryPasswordHash.Verify(password, row?.QueryPasswordHash ?? DecoyHash) || row is null) return null;

            return new Result(
                row.TrackingCode,
                Enum.Parse<ComplaintStatus>(row.Status.Replace("_", ""), ignoreCase: true),
                row.CategoryCode,
                row.CategoryName,
                row.SectionName,
                new DateTimeOffset(row.SubmittedAt, TimeSpan.Zero),
                row.AcceptBy,
                events.Select(e => new TimelineEntry(e.Type, new DateTimeOffset(e.OccurredAt, TimeSpan.Zero),
                    Describe(e))).ToList());
        }

        private static string Describe(EventRow e) => e.Type switch
        {
            "submitted" => Lang.Pick("已收到您的投诉，等待受理", "Complaint received; awaiting a decision to accept it"),
            _ => e.Message ?? e.Type,
        };
    }
}
