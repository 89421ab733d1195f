using Mediator;

namespace Feedback.Api.Features.Bulletins;

/// <summary>The months that have a bulletin, for the public page's month picker.</summary>
public static class ListBulletins
{
    public sealed record Query : IQuery<Result>;

    /// <param name="Months">yyyy-MM, newest first: every month that has ended since the service's first case.</param>
    public sealed record Result(IReadOnlyList<string> Months);

    public sealed class Handler(BulletinMonths months) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken) =>
            new((await months.ListAsync(cancellationToken)).Select(BulletinMonths.Format).ToList());
    }
}
