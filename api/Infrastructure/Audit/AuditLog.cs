using System.Net;
using System.Text.Json;
using Dapper;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Infrastructure.Audit;

/// <summary>Who did it: a signed-in staff member, or someone who only typed a username.</summary>
public sealed record AuditActor(long? Id, string? Username, string? Role, IPAddress? Ip)
{
    public static AuditActor Of(CurrentStaff staff) =>
        staff.IsSignedIn ? new(staff.Id, staff.Username, staff.Role.ToCode(), staff.IpAddress) : new(null, null, null, staff.IpAddress);
}

/// <param name="Action">What was attempted, e.g. "complaint.accept" or "auth.login".</param>
/// <param name="Before">State before (never contact details, passwords or tokens).</param>
public sealed record AuditEntry(
    string Action,
    string? TargetKind = null,
    string? TargetId = null,
    object? Before = null,
    object? After = null,
    string? Reason = null);

/// <summary>
/// The append-only security log (audit_log). Successful actions are written in the command's own
/// transaction, so the log and the change commit together; refusals and failures are written on
/// a connection of their own, because the request that caused them rolls back.
/// </summary>
public sealed class AuditLog(WriteTransaction transaction, SideDatabase side, RepeatedRefusals repeated, BureauClock clock)
{
    /// <summary>Longer targets are cut (with "…"), so every entry fits the index on (target_kind, target_id).</summary>
    public const int MaxTargetLength = 256;

    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);

    private const string Insert =
        """
        insert into audit_log (occurred_at, actor_id, actor_username, actor_role, ip, action, outcome,
                               target_kind, target_id, before, after, reason)
        values (@occurredAt, @actorId, @actorUsername, @actorRole, @ip::inet, @action, @outcome,
                @targetKind, @targetId, @before::jsonb, @after::jsonb, @reason)
        """;

    /// <param name="outcome">succeeded, or failed for an attempt whose failure is itself stored (a wrong password).</param>
    public Task RecordAsync(AuditActor actor, AuditEntry entry, CancellationToken cancellationToken, string outcome = "succeeded") =>
        transaction.ExecuteAsync(Insert, Parameters(actor, entry, outcome), cancellationToken);

    /// <summary>
    /// A refused request or failed attempt; survives the rollback of the request's transaction. When
    /// it cannot be written, it throws: the request fails (503) rather than leave no trace.
    /// </summary>
    public async Task RecordOutsideTransactionAsync(AuditActor actor, AuditEntry entry, string outcome, CancellationToken cancellationToken)
    {
        // The side pool: the refused request may still hold a connection of the main pool.
        await using var connection = await side.DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, Parameters(actor, entry, outcome), cancellationToken: cancellationToken));
    }

    /// <summary>
    /// A refusal anyone can repeat at will without signing in (a 401, a try on a locked name): the
    /// first of each minute per address and target is written now, the repeats as one summary row
    /// (<see cref="RepeatedRefusals"/>).
    /// </summary>
    public async Task RecordRepeatableRefusalAsync(AuditActor actor, AuditEntry entry, string outcome, CancellationToken cancellationToken)
    {
        if (repeated.RecordNow(actor, entry)) await RecordOutsideTransactionAsync(actor, entry, outcome, cancellationToken);
    }

    private object Parameters(AuditActor actor, AuditEntry entry, string outcome) => new
    {
        occurredAt = clock.UtcNow,
        actorId = actor.Id,
        actorUsername = actor.Username is { Length: > 64 } typed ? typed[..64] : actor.Username,
        actorRole = actor.Role,
        ip = actor.Ip?.ToString(),
        action = entry.Action,
        outcome,
        targetKind = entry.TargetKind,
        targetId = entry.TargetId is { Length: > MaxTargetLength } overlong ? overlong[..(MaxTargetLength - 1)] + "…" : entry.TargetId,
        before = entry.Before is null ? null : JsonSerializer.Serialize(entry.Before, StateJson),
        after = entry.After is null ? null : JsonSerializer.Serialize(entry.After, StateJson),
        reason = entry.Reason is { Length: > 4000 } r ? r[..4000] : entry.Reason,
    };
}
