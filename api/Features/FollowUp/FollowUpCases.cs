using System.Text.Json;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.FollowUp;

/// <summary>
/// The steps a citizen's follow-up (evaluation, review) shares, in the command's transaction: the
/// case is read under its row lock, so of two requests at once the second sees what the first
/// did; every change bumps version and updated_at, so staff holding the old ETag get a 412.
/// </summary>
public sealed class FollowUpCases(WriteTransaction database, BureauClock clock)
{
    public sealed record Case(long Id, string TrackingCode, string CategoryCode, FollowUpRules.State State);

    private sealed record Row(long Id, string TrackingCode, string CategoryCode, string Status, DateTime? ResolvedAt, bool Evaluated, bool ReviewRequested);

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    public DateTimeOffset Now { get; } = clock.UtcNow;

    public DateOnly Today => clock.DateOf(Now);

    public async Task<Case> LockAsync(long id, CancellationToken cancellationToken)
    {
        var row = await database.QuerySingleAsync<Row>(
            """
            select id, tracking_code, category_code, status, resolved_at,
                   evaluated_at is not null as evaluated, review_requested_at is not null as review_requested
            from complaints where id = @id
            for update
            """, new { id }, cancellationToken);
        DateOnly? resolvedOn = row.ResolvedAt is { } at ? clock.DateOf(new DateTimeOffset(at, TimeSpan.Zero)) : null;
        return new Case(row.Id, row.TrackingCode, row.CategoryCode,
            new FollowUpRules.State(ComplaintStatuses.Parse(row.Status), resolvedOn, row.Evaluated, row.ReviewRequested));
    }

    /// <summary>Applies <paramref name="set"/> (fixed SQL written by the handler) to the locked case.</summary>
    public Task UpdateAsync(long id, string set, object values, CancellationToken cancellationToken)
    {
        var parameters = new Dapper.DynamicParameters(values);
        parameters.Add("id", id);
        parameters.Add("now", Now);
        return database.ExecuteAsync($"update complaints set {set}, updated_at = @now, version = version + 1 where id = @id", parameters, cancellationToken);
    }

    /// <summary>A public timeline entry by the citizen or the system (no actor id: the citizen is anonymous).</summary>
    /// <summary>
    /// A review disputes the result, so a published summary of it (or a proposal to publish one)
    /// comes down at once, recorded as an internal event; staff propose it again once resolved.
    /// </summary>
    public Task WithdrawPublicationAsync(long id, string reason, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            with withdrawn as (
                update published_cases set status = 'withdrawn', decided_by = null, decided_at = @now, decision_reason = @reason, version = version + 1
                where complaint_id = @id and status in ('proposed', 'published')
                returning 1
            )
            insert into complaint_events (complaint_id, type, visibility, actor_kind, message, data, occurred_at)
            select @id, 'publication_withdrawn', 'internal', 'system', @reason, '{"cause": "review_requested"}', @now from withdrawn
            """,
            new { id, reason, now = Now }, cancellationToken);

    public Task RecordEventAsync(long id, string type, string actorKind, string? message, object data, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            insert into complaint_events (complaint_id, type, visibility, actor_kind, message, data, occurred_at)
            values (@id, @type, 'public', @actorKind, @message, @data::jsonb, @now)
            """,
            new { id, type, actorKind, message, data = JsonSerializer.Serialize(data, DataJson), now = Now }, cancellationToken);
}
