using Dapper;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// Administrators issue, list and revoke the Open311 API keys (工作台 › Open311 密钥). A key's value
/// is shown once, in the answer that makes it; afterwards only its first characters.
/// </summary>
public static class Open311KeysAdmin
{
    /// <param name="Shown">The key's first characters ("fb311_abcd"), to tell it apart from others.</param>
    /// <param name="CreatedBy">The administrator's display name; null for the demo key.</param>
    /// <param name="RequestsFiled">Cases filed with this key.</param>
    public sealed record Open311Key(
        long Id, string Name, string Shown, int RequestsPerMinute, DateTimeOffset CreatedAt, string? CreatedBy,
        DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, long RequestsFiled);

    /// <param name="Key">The key itself: shown this once, stored only as a hash. Give it to the other system's operator.</param>
    public sealed record IssuedKey(string Key, Open311Key Details);

    /// <param name="Name">The system the key is for, e.g. "12345 市民热线平台": 1–50 characters, unique among live keys.</param>
    /// <param name="RequestsPerMinute">Its budget, 1–10000 (60 when not given).</param>
    public sealed record CreateKey(string Name, int? RequestsPerMinute = null) : ICommand<IssuedKey>;

    public sealed record RevokeKey(long Id) : ICommand;

    public sealed record ListKeys : IQuery<IReadOnlyList<Open311Key>>;

    public sealed class CreateValidator : AbstractValidator<CreateKey>
    {
        public CreateValidator()
        {
            RuleFor(c => c.Name)
                .Must(name => name?.Trim() is { Length: > 0 }).WithMessage(_ => Lang.Pick("请填写密钥的用途（对接的系统）", "Name the system the key is for"))
                .Must(name => name is null || name.Trim().Length <= 50).WithMessage(_ => Lang.Pick("名称不能超过 50 个字", "A name has at most 50 characters"))
                .Must(name => name is null || !InputRules.HasControlCharacters(name, allowLineBreaks: false)).WithMessage(_ => InputRules.ControlCharacterMessage);
            RuleFor(c => c.RequestsPerMinute).InclusiveBetween(1, 10000)
                .WithMessage(_ => Lang.Pick("每分钟请求数须在 1 至 10000 之间", "Requests a minute must be between 1 and 10000"));
        }
    }

    private const string Select =
        """
        select k.id, k.name, k.key_prefix as shown, k.requests_per_minute, k.created_at, u.display_name as created_by,
               k.revoked_at, k.last_used_at, (select count(*) from open311_requests r where r.key_id = k.id) as requests_filed
        from open311_keys k left join staff_users u on u.id = k.created_by
        """;

    private sealed record Row(long Id, string Name, string Shown, int RequestsPerMinute, DateTime CreatedAt, string? CreatedBy,
        DateTime? RevokedAt, DateTime? LastUsedAt, long RequestsFiled)
    {
        public Open311Key ToKey() => new(Id, Name, Shown, RequestsPerMinute, Utc(CreatedAt), CreatedBy,
            RevokedAt is { } revoked ? Utc(revoked) : null, LastUsedAt is { } used ? Utc(used) : null, RequestsFiled);

        private static DateTimeOffset Utc(DateTime time) => new(time, TimeSpan.Zero);
    }

    /// <summary>Live keys first, newest first; revoked ones stay listed, so past cases still name theirs.</summary>
    public sealed class ListHandler(ReadDatabase database) : IQueryHandler<ListKeys, IReadOnlyList<Open311Key>>
    {
        public async ValueTask<IReadOnlyList<Open311Key>> Handle(ListKeys query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(
                $"{Select} order by k.revoked_at is not null, k.created_at desc, k.id desc", cancellationToken: cancellationToken));
            return rows.Select(row => row.ToKey()).ToList();
        }
    }

    public sealed class CreateHandler(WriteTransaction database, AuditLog audit, CurrentStaff admin, BureauClock clock) : ICommandHandler<CreateKey, IssuedKey>
    {
        public async ValueTask<IssuedKey> Handle(CreateKey command, CancellationToken cancellationToken)
        {
            var value = Open311Keys.NewValue();
            var name = command.Name.Trim();
            var perMinute = command.RequestsPerMinute ?? Open311Keys.DefaultRequestsPerMinute;
            var id = await database.QuerySingleOrDefaultAsync<long?>(
                """
                insert into open311_keys (name, key_hash, key_prefix, requests_per_minute, created_at, created_by)
                values (@name, @hash, @shown, @perMinute, @now, @adminId)
                on conflict (name) where revoked_at is null do nothing
                returning id
                """,
                new { name, hash = Open311Keys.Hash(value), shown = Open311Keys.Shown(value), perMinute, now = clock.UtcNow, adminId = admin.Id },
                cancellationToken)
                ?? throw new ProblemException(StatusCodes.Status409Conflict,
                    Lang.Pick("已有同名的有效密钥：换个名称，或先吊销那一个", "A live key has that name: choose another, or revoke that one first"));
            var details = (await database.QuerySingleAsync<Row>($"{Select} where k.id = @id", new { id }, cancellationToken)).ToKey();
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("open311_key.create", "open311_key", Id(id),
                After: new { details.Name, details.Shown, details.RequestsPerMinute }), cancellationToken);
            return new IssuedKey(value, details);
        }
    }

    /// <summary>A revoked key stops working at once; revoking it again changes nothing.</summary>
    public sealed class RevokeHandler(WriteTransaction database, AuditLog audit, CurrentStaff admin, BureauClock clock) : ICommandHandler<RevokeKey>
    {
        public async ValueTask<Unit> Handle(RevokeKey command, CancellationToken cancellationToken)
        {
            var revoked = await database.QuerySingleOrDefaultAsync<bool?>(
                """
                update open311_keys set revoked_at = coalesce(revoked_at, @now), revoked_by = coalesce(revoked_by, @adminId)
                where id = @Id
                returning revoked_at = @now
                """,
                new { command.Id, now = clock.UtcNow, adminId = admin.Id }, cancellationToken)
                ?? throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这个密钥", "No such key"));
            if (revoked)
                await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("open311_key.revoke", "open311_key", Id(command.Id)), cancellationToken);
            return Unit.Value;
        }
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static void MapOpen311KeysEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/open311-keys").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", async Task<Ok<IReadOnlyList<Open311Key>>> (IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListKeys(), cancellationToken)))
            .WithName("ListOpen311Keys")
            .WithSummary("Every Open311 API key, live ones first (never their values)");

        group.MapPost("/", async Task<Created<IssuedKey>> (CreateKey command, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var issued = await mediator.Send(command, cancellationToken);
                return TypedResults.Created($"/api/v1/admin/open311-keys/{issued.Details.Id}", issued);
            })
            .WithName("CreateOpen311Key")
            .WithSummary("Issue an Open311 API key; its value is in this answer only")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id:long}", async Task<NoContent> (long id, IMediator mediator, CancellationToken cancellationToken) =>
            {
                await mediator.Send(new RevokeKey(id), cancellationToken);
                return TypedResults.NoContent();
            })
            .WithName("RevokeOpen311Key")
            .WithSummary("Revoke a key: it stops working at once and stays listed, with the cases it filed")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
