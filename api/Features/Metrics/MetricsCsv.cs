using System.Globalization;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Csv;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// A metrics table as a CSV file: the same rows as the JSON, headers in the caller's language, a
/// rate as three columns (percent with 2 decimals, numerator, denominator) so a reader can check it.
/// The tables are small (a row per section, month…), so they are written from memory. Audited.
/// </summary>
public sealed class MetricsCsv(string name, string nameZh, object filters, IReadOnlyList<string> headers,
    IReadOnlyList<Action<CsvWriter>> rows, AuditLog audit, CurrentStaff staff) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        CsvDownload.StartResponse(http.Response, $"{name}-{today}.csv", $"{nameZh}-{today}.csv");
        await using (var csv = new CsvWriter(http.Response.Body))
        {
            foreach (var header in headers) csv.Text(header);
            await csv.EndRowAsync(http.RequestAborted);
            foreach (var row in rows)
            {
                row(csv);
                await csv.EndRowAsync(http.RequestAborted);
            }
        }
        await audit.RecordOutsideTransactionAsync(AuditActor.Of(staff),
            new AuditEntry("metrics.export", "metrics", name, After: new { format = "csv", filters, rows = rows.Count }), "succeeded", http.RequestAborted);
    }

    /// <summary>The headers of <see cref="WriteFigures"/>' columns.</summary>
    public static IEnumerable<string> FigureHeaders()
    {
        IEnumerable<string> Rate(string zh, string en) => RateHeaders(zh, en);
        string Plain(string zh, string en) => Lang.Pick(zh, en);
        return [
            Plain("投诉量", "Volume"), Plain("合并", "Merged"), Plain("受理", "Accepted"), Plain("不予受理", "Rejected"), Plain("待受理", "Awaiting decision"),
            .. Rate("受理占比", "Acceptance share"), .. Rate("响应率", "Response rate"), .. Rate("按期办结率", "On-time rate"),
            .. Rate("解决率", "Resolution rate"), .. Rate("满意率", "Satisfaction rate"),
            Plain("综合得分（%）", "Composite (%)"), Plain("评价数", "Evaluations"), .. Rate("复查率", "Review rate"),
            Plain("受理用时中位数（工作小时）", "Hours to decide, median (working)"), Plain("受理用时90分位（工作小时）", "Hours to decide, 90th percentile"),
            Plain("办结用时中位数（工作小时）", "Hours to resolve, median (working)"), Plain("办结用时90分位（工作小时）", "Hours to resolve, 90th percentile"),
            Plain("期末积压", "Backlog at end"), Plain("逾期", "Overdue"), Plain("附议", "Supports"),
        ];
    }

    public static CsvWriter WriteFigures(CsvWriter csv, Figures f)
    {
        csv.Number(f.Volume).Number(f.Merged).Number(f.Accepted).Number(f.Rejected).Number(f.AwaitingDecision);
        WriteRate(csv, f.AcceptanceShare);
        WriteRate(csv, f.ResponseRate);
        WriteRate(csv, f.OnTimeRate);
        WriteRate(csv, f.ResolutionRate);
        WriteRate(csv, f.SatisfactionRate);
        csv.Number(Percent(f.Composite)).Number(f.Evaluations);
        WriteRate(csv, f.ReviewRate);
        return csv.Number(f.HoursToDecide.Median).Number(f.HoursToDecide.P90).Number(f.HoursToResolve.Median).Number(f.HoursToResolve.P90)
            .Number(f.Backlog).Number(f.Overdue).Number(f.Supports);
    }

    public static CsvWriter WriteRate(CsvWriter csv, Rate rate) => csv.Number(Percent(rate.Value)).Number(rate.Numerator).Number(rate.Denominator);

    /// <summary>Always two decimals (87.50, 100.00), so a column reads alike in a spreadsheet.</summary>
    private static decimal? Percent(decimal? fraction) => fraction * 100 is { } percent ? Math.Round(percent, 2) + 0.00m : null;

    public static IEnumerable<string> RateHeaders(string zh, string en) => Lang.IsEnglish
        ? [$"{en} (%)", $"{en} numerator", $"{en} denominator"]
        : [$"{zh}（%）", $"{zh}分子", $"{zh}分母"];
}
