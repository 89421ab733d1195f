using System.Globalization;
using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.Bulletins;

/// <summary>
/// Which months have a bulletin: those that have ended (in the bureau's calendar), from the month
/// of the service's first case. A month still running would change under the reader's eyes, and a
/// month before the service would be all zeros; both are 404. This also bounds what the bulletin
/// cache can hold.
/// </summary>
public sealed class BulletinMonths(ReadDatabase database, BureauClock clock)
{
    /// <summary>The first day of the month "yyyy-MM" names, or null.</summary>
    public static DateOnly? ParseMonth(string? text) =>
        text is { Length: 7 } && DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? first : null;

    public static string Format(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Months with a bulletin, newest first.</summary>
    public async Task<IReadOnlyList<DateOnly>> ListAsync(CancellationToken cancellationToken)
    {
        var (first, last) = await RangeAsync(cancellationToken);
        var months = new List<DateOnly>();
        for (var month = last; first is { } start && month >= start; month = month.AddMonths(-1)) months.Add(month);
        return months;
    }

    public async Task EnsurePublishedAsync(DateOnly month, CancellationToken cancellationToken)
    {
        var (first, last) = await RangeAsync(cancellationToken);
        if (month > last)
            throw new ProblemException(StatusCodes.Status404NotFound,
                Lang.Pick($"{Spoken(month)} 尚未结束，月度公报在该月结束后发布", $"{Spoken(month)} has not ended yet: a month's bulletin comes out once it is over"));
        if (first is null || month < first)
            throw new ProblemException(StatusCodes.Status404NotFound, first is null
                ? Lang.Pick("还没有月度公报：尚未收到投诉", "No bulletin yet: no complaint has been received")
                : Lang.Pick($"没有{Spoken(month)}的公报：本服务自{Spoken(first.Value)}起受理投诉",
                    $"No bulletin for {Spoken(month)}: the service has taken complaints since {Spoken(first.Value)}"));
    }

    /// <summary>A month as people say it: 2026年11月, November 2026.</summary>
    private static string Spoken(DateOnly month) =>
        Lang.Pick($"{month.Year}年{month.Month}月", month.ToString("MMMM yyyy", CultureInfo.InvariantCulture));

    /// <summary>The first case's month (null without any case) and the last month that has ended.</summary>
    private async Task<(DateOnly? First, DateOnly Last)> RangeAsync(CancellationToken cancellationToken)
    {
        var today = clock.Today;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // complaints_by_newest answers this from one end of the index.
        var earliest = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "select min(submitted_at) from complaints", cancellationToken: cancellationToken));
        DateOnly? first = earliest is { } at ? FirstOfMonth(clock.DateOf(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)))) : null;
        return (first, FirstOfMonth(today).AddMonths(-1));
    }

    private static DateOnly FirstOfMonth(DateOnly date) => new(date.Year, date.Month, 1);
}
