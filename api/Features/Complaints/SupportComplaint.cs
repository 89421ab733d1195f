using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// "Me too" (我也遇到了): a citizen who has the same problem as an open case adds their support
/// instead of filing a duplicate, naming the case by its public support id (never its tracking
/// code). One support per device (X-Device-Token, stored as its hash): asking again changes nothing
/// and says so. At most <see cref="MaxPerAddress"/> devices per client address count for one case,
/// so fresh device tokens cannot inflate it (a household or an office may share an address; a
/// carrier's shared address is the price). Supports of one case are taken one at a time (the case's
/// row is locked first), so neither limit can be raced. The count moves in the same transaction,
/// and only while the case is still open. The staff's version (ETag) is left alone: a citizen's
/// support must not make a clerk's pending action stale.
/// </summary>
public static class SupportComplaint
{
    public const int MaxPerAddress = 3;

    public sealed record Command(Guid SupportId, string? DeviceToken) : ICommand<Result>;

    /// <param name="SupportCount">Supports of the case now, this one included.</param>
    /// <param name="AlreadySupported">True when this device had supported the case before: nothing changed.</param>
    /// <param name="Message">What happened, in the caller's language.</param>
    public sealed record Result(Guid SupportId, int SupportCount, bool AlreadySupported, string Message);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.DeviceToken).Must(DeviceToken.IsWellFormed)
                .WithMessage(_ => Lang.Pick($"缺少或无效的 {DeviceToken.Header} 请求头，请刷新页面后重试",
                    $"The {DeviceToken.Header} header is missing or malformed: reload the page and try again"));
    }

    private sealed record CaseRow(long Id, string CategoryCode, string Status);

    public sealed class Handler(WriteTransaction database, CategoryCatalog catalog, BureauClock clock, ClientAddress client) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var found = await database.QuerySingleOrDefaultAsync<CaseRow>(
                "select id, category_code, status from complaints where support_id = @id for no key update",
                new { id = command.SupportId }, cancellationToken) ?? throw GetSupportedComplaint.NotFound();
            // A conduct case is not there for the public: the same 404 as an unknown id.
            if ((await catalog.GetCategoryAsync(found.CategoryCode)).Confidential) throw GetSupportedComplaint.NotFound();
            var status = ComplaintStatuses.Parse(found.Status);
            if (!status.IsOpen()) throw NotOpen(status);

            var deviceHash = DeviceToken.Hash(command.DeviceToken)!;
            var (already, fromThisAddress) = await database.QuerySingleAsync<(bool, int)>(
                """
                select exists (select from complaint_supports where complaint_id = @id and device_hash = @deviceHash),
                       (select count(*)::int from complaint_supports where complaint_id = @id and client = @client)
                """, new { id = found.Id, deviceHash, client = client.Key }, cancellationToken);
            if (!already && fromThisAddress >= MaxPerAddress) throw TooManyFromOneAddress();

            var added = !already && await database.ExecuteAsync(
                """
                insert into complaint_supports (complaint_id, device_hash, supported_at, client)
                values (@id, @deviceHash, @now, @client)
                on conflict (complaint_id, device_hash) do nothing
                """,
                new { id = found.Id, deviceHash, now = clock.UtcNow, client = client.Key }, cancellationToken) == 1;

            // Counted only while still open: a case closed since the read above refuses, and the
            // transaction rolls the support back.
            var count = added
                ? await database.QuerySingleOrDefaultAsync<int?>(
                    """
                    update complaints set support_count = support_count + 1
                    where id = @id and status in ('submitted', 'accepted', 'in_progress')
                    returning support_count
                    """, new { id = found.Id }, cancellationToken) ?? throw NotOpen(null)
                : await database.QuerySingleAsync<int>("select support_count from complaints where id = @id", new { id = found.Id }, cancellationToken);

            return new Result(command.SupportId, count, !added, added
                ? Lang.Pick("已记录您的支持。承办部门会看到有多少人反映了同一问题，您无需重复投诉。",
                    "Your support is counted. The bureau sees how many people reported this problem: you need not file it again.")
                : Lang.Pick("您已经支持过这个案件，无需重复操作。", "You have already supported this case; it is counted once."));
        }
    }

    private static ProblemException TooManyFromOneAddress() =>
        new(StatusCodes.Status429TooManyRequests,
            Lang.Pick($"同一网络最多可为一个案件表示 {MaxPerAddress} 次支持", $"At most {MaxPerAddress} supports for one case count from one network"),
            Lang.Pick("您所在网络的支持已经记录，承办部门能看到。", "Your network's support is already counted and the bureau sees it."),
            retryAfter: TimeSpan.FromDays(1));

    private static ProblemException NotOpen(ComplaintStatus? status) =>
        new(StatusCodes.Status409Conflict,
            Lang.Pick("该案件已不在办理中，不能再表示支持", "This case is no longer open, so it cannot be supported"),
            status is { } s
                ? Lang.Pick($"案件当前状态为“{ListSimilarComplaints.StatusText(s)}”。如果问题仍然存在，请提交新的投诉。",
                    $"The case is now “{ListSimilarComplaints.StatusText(s)}”. If the problem goes on, please file a new complaint.")
                : null);
}
