using System.ComponentModel;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Csv;
using Feedback.Api.Infrastructure.Localization;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Metrics;

public static class MetricsEndpoints
{
    private const string FormatHelp = "csv: the same table as a CSV file (like Accept: text/csv); json (the default).";

    public static void MapMetricsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/metrics").WithTags("Leadership metrics")
            .RequireAuthorization(AuthSetup.Leadership)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem()
            .AddOpenApiOperationTransformer(CsvDownload.DescribeAsync)
            .WithDescription("Leaders and administrators see every section; a section head sees only their own (naming another is 403). " +
                             "The formulas are in docs/metrics.md. With format=csv or Accept: text/csv: the same table as CSV, audited.");

        group.MapGet("/summary", SummaryAsync).WithName("GetMetricsSummary")
            .WithSummary("Every figure for a period, and for the period of the same length before it");
        group.MapGet("/breakdown", BreakdownAsync).WithName("GetMetricsBreakdown")
            .WithSummary("The figures per section, category, group, township or channel, or per month or week");
        group.MapGet("/ranking", RankingAsync).WithName("GetSectionRanking")
            .WithSummary("Sections by composite score; those with too few evaluations after them, unranked, with the reason");
        group.MapGet("/overdue", OverdueAsync).WithName("ListOverdueCases")
            .WithSummary("Open cases past their deadline today, most overdue first, with the reminders sent");
    }

    private static async Task<Results<Ok<GetMetricsSummary.Result>, MetricsCsv>> SummaryAsync([AsParameters] MetricsFilters filters,
        [FromQuery(Name = "format")] [Description(FormatHelp)] string? format, HttpContext http, IMediator mediator, AuditLog audit, CurrentStaff staff,
        CancellationToken cancellationToken)
    {
        var wantsCsv = CsvDownload.Wanted(http.Request, format);
        var result = await mediator.Send(new GetMetricsSummary.Query(filters), cancellationToken);
        if (!wantsCsv) return TypedResults.Ok(result);

        IEnumerable<string> headers = [Lang.Pick("期间", "Period"), Lang.Pick("起", "From"), Lang.Pick("止", "To"), .. MetricsCsv.FigureHeaders()];
        Action<Infrastructure.Csv.CsvWriter> Row(string label, MetricsPeriod period, Figures figures) =>
            csv => MetricsCsv.WriteFigures(csv.Text(label).Text(Date(period.From)).Text(Date(period.To)), figures);
        return new MetricsCsv("metrics-summary", "统计概览", filters, headers.ToList(),
            [Row(Lang.Pick("本期", "Current"), result.Period, result.Current), Row(Lang.Pick("上期", "Previous"), result.PreviousPeriod, result.Previous)],
            audit, staff);
    }

    private static async Task<Results<Ok<GetMetricsBreakdown.Result>, MetricsCsv>> BreakdownAsync([AsParameters] MetricsFilters filters,
        [FromQuery(Name = "by")] [Description("section, category, group, township, channel, month or week")] string? by,
        [FromQuery(Name = "format")] [Description(FormatHelp)] string? format, HttpContext http, IMediator mediator, AuditLog audit, CurrentStaff staff,
        CancellationToken cancellationToken)
    {
        var wantsCsv = CsvDownload.Wanted(http.Request, format);
        var result = await mediator.Send(new GetMetricsBreakdown.Query(filters, by), cancellationToken);
        if (!wantsCsv) return TypedResults.Ok(result);

        IEnumerable<string> headers = [Lang.Pick("代码", "Key"), Lang.Pick("名称", "Name"), Lang.Pick("起", "From"), Lang.Pick("止", "To"), .. MetricsCsv.FigureHeaders()];
        return new MetricsCsv($"metrics-by-{result.By}", "分项统计", new { filters, by }, headers.ToList(),
            result.Rows.Select(row => (Action<Infrastructure.Csv.CsvWriter>)(csv =>
                MetricsCsv.WriteFigures(csv.Text(row.Key).Text(row.Label).Text(Date(row.Period.From)).Text(Date(row.Period.To)), row.Figures))).ToList(),
            audit, staff);
    }

    private static async Task<Results<Ok<GetSectionRanking.Result>, MetricsCsv>> RankingAsync([AsParameters] MetricsFilters filters,
        [FromQuery(Name = "format")] [Description(FormatHelp)] string? format, HttpContext http, IMediator mediator, AuditLog audit, CurrentStaff staff,
        CancellationToken cancellationToken)
    {
        var wantsCsv = CsvDownload.Wanted(http.Request, format);
        var result = await mediator.Send(new GetSectionRanking.Query(filters), cancellationToken);
        if (!wantsCsv) return TypedResults.Ok(result);

        IEnumerable<string> headers = [
            Lang.Pick("名次", "Rank"), Lang.Pick("科室代码", "Section code"), Lang.Pick("科室", "Section"), Lang.Pick("评价数", "Evaluations"),
            Lang.Pick("综合得分（%）", "Composite (%)"), .. MetricsCsv.RateHeaders("响应率", "Response rate"),
            .. MetricsCsv.RateHeaders("解决率", "Resolution rate"), .. MetricsCsv.RateHeaders("满意率", "Satisfaction rate"),
            Lang.Pick("未排名原因", "Why not ranked")];
        return new MetricsCsv("section-ranking", "科室排名", filters, headers.ToList(),
            result.Rows.Select(row => (Action<Infrastructure.Csv.CsvWriter>)(csv =>
            {
                csv.Number(row.Rank).Text(row.Section).Text(row.Label).Number(row.Evaluations).Number(row.Composite * 100 is { } c ? Math.Round(c, 2) + 0.00m : null);
                MetricsCsv.WriteRate(csv, row.ResponseRate);
                MetricsCsv.WriteRate(csv, row.ResolutionRate);
                MetricsCsv.WriteRate(csv, row.SatisfactionRate).Text(row.UnrankedReason);
            })).ToList(),
            audit, staff);
    }

    private static async Task<Results<Ok<ListOverdueCases.Result>, MetricsCsv>> OverdueAsync([AsParameters] MetricsFilters filters,
        [FromQuery(Name = "limit")] [Description("1–1000, default 100 (the CSV holds every row).")] int? limit,
        [FromQuery(Name = "format")] [Description(FormatHelp)] string? format, HttpContext http, IMediator mediator, AuditLog audit, CurrentStaff staff,
        CancellationToken cancellationToken)
    {
        var wantsCsv = CsvDownload.Wanted(http.Request, format);
        var result = await mediator.Send(new ListOverdueCases.Query(filters, limit, All: wantsCsv), cancellationToken);
        if (!wantsCsv) return TypedResults.Ok(result);

        var english = Lang.IsEnglish;
        string[] headers = [
            Lang.Pick("查询编号", "Tracking code"), Lang.Pick("承办科室", "Section"), Lang.Pick("类别", "Category"), Lang.Pick("乡镇（街道）", "Township"),
            Lang.Pick("状态", "Status"), Lang.Pick("阶段", "Stage"), Lang.Pick("期限", "Deadline"), Lang.Pick("逾期工作日", "Working days overdue"),
            Lang.Pick("督办次数", "Reminders sent")];
        return new MetricsCsv("overdue-cases", "逾期案件", filters, headers,
            result.Rows.Select(row => (Action<Infrastructure.Csv.CsvWriter>)(csv => csv
                .Text(row.TrackingCode).Text(row.SectionLabel).Text(row.CategoryLabel).Text(row.TownshipLabel)
                .Text(row.Status.Name(english))
                .Text(row.Stage == "acceptance" ? Lang.Pick("受理", "acceptance") : Lang.Pick("办结", "resolution"))
                .Text(Date(row.DueOn)).Number(row.DaysOverdue).Number(row.RemindersSent))).ToList(),
            audit, staff);
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
