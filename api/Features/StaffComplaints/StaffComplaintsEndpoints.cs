using System.ComponentModel;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Csv;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Time;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.StaffComplaints;

public static class StaffComplaintsEndpoints
{
    public static void MapStaffComplaintsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/staff").WithTags("Case handling")
            .RequireAuthorization(AuthSetup.CaseWorkers)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/complaints", ListQueueAsync)
            .WithName("ListQueue")
            .WithSummary("The work queue, with filters, search and counts per status; or all of it as CSV")
            .WithDescription("With Accept: text/csv or format=csv the answer is every case the filters select (not one page) as a CSV file: " +
                             "UTF-8 with a byte-order mark, CRLF, headers in the Accept-Language language, no contact details; each export is audited.")
            .AddOpenApiOperationTransformer(CsvDownload.DescribeAsync)
            .ProducesValidationProblem();

        group.MapPost("/complaints", RegisterAsync)
            .WithName("RegisterComplaint")
            .WithSummary("Register a complaint taken by phone, letter or visit")
            .WithDescription("Routed and timed like one filed online. The query password is shown only this once.")
            .ProducesValidationProblem();

        group.MapGet("/complaints/{trackingCode}", GetCaseAsync)
            .WithName("GetCase")
            .WithSummary("The whole case, with its ETag")
            .WithDescription("A case the caller may not see is answered 404, exactly like an unknown code.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/complaints/{trackingCode}/photos/{photoId:guid}", GetStaffPhotoAsync)
            .WithName("GetCasePhoto")
            .WithSummary("A photo of the case, for staff who may see the case")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/jpeg", "image/png", "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/colleagues", ListColleaguesAsync)
            .WithName("ListColleagues")
            .WithSummary("The active members of the caller's section (whom a head can assign to)");

        var actions = group.MapGroup("/complaints/{trackingCode}")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        actions.MapPost("/accept", AcceptAsync).WithName("AcceptComplaint").WithSummary("受理: accept the case");
        actions.MapPost("/reject", RejectAsync).WithName("RejectComplaint").WithSummary("不予受理: reject it, with a ground, a reason and a referral").ProducesValidationProblem();
        actions.MapPost("/assign", AssignAsync).WithName("AssignComplaint").WithSummary("Assign it to a member of the section (section head)").ProducesValidationProblem();
        actions.MapPost("/transfer", TransferAsync).WithName("TransferComplaint").WithSummary("转办: hand it to another section, with a reason (section head)").ProducesValidationProblem();
        actions.MapPost("/notes", NoteAsync).WithName("AddNote").WithSummary("Add an internal note (never shown to the citizen)").ProducesValidationProblem();
        actions.MapPost("/replies", ReplyAsync).WithName("AddReply").WithSummary("Add a public reply (shown to the citizen)").ProducesValidationProblem();
        actions.MapPost("/extensions", RequestExtensionAsync).WithName("RequestExtension").WithSummary("延期: ask for up to 30 more working days, once").ProducesValidationProblem();
        actions.MapPost("/extensions/decision", DecideExtensionAsync).WithName("DecideExtension").WithSummary("Approve or refuse the requested extension (leader)").ProducesValidationProblem();
        actions.MapPost("/resolve", ResolveAsync).WithName("ResolveComplaint").WithSummary("办结: record the result the citizen will read").ProducesValidationProblem();
        actions.MapPost("/merge", MergeAsync).WithName("MergeComplaint").WithSummary("合并: merge this duplicate into its original case (section head)").ProducesValidationProblem();
    }

    private static async Task<Results<Ok<ListQueue.Result>, ExportQueue.CsvFile>> ListQueueAsync([AsParameters] ListQueue.Query query,
        [FromQuery(Name = "format")] [Description("csv: every matching case as a CSV file, like Accept: text/csv (no cursor or limit); json (the default): one page.")] string? format,
        HttpContext http, IMediator mediator, BureauClock clock, FeedbackOptions options, ExportSlots exportSlots, CancellationToken cancellationToken) =>
        CsvDownload.Wanted(http.Request, format)
            ? new ExportQueue.CsvFile(mediator.CreateStream(new ExportQueue.Query(query), cancellationToken), clock, options, exportSlots)
            : TypedResults.Ok(await mediator.Send(query, cancellationToken));

    private static async Task<Created<SubmitComplaint.Result>> RegisterAsync(RegisterComplaint.Command command, IMediator mediator, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        return TypedResults.Created($"/api/v1/staff/complaints/{result.TrackingCode}", result);
    }

    private static async Task<Ok<GetCase.Result>> GetCaseAsync(string trackingCode, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new GetCase.Query(trackingCode), cancellationToken);
        http.Response.Headers.ETag = ETags.Of(result.Version);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(result);
    }

    private static async Task<FileStreamHttpResult> GetStaffPhotoAsync(
        string trackingCode, Guid photoId, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        (await mediator.Send(new GetStaffPhoto.Query(trackingCode, photoId), cancellationToken)).Serve(http);

    private static async Task<Ok<IReadOnlyList<ListColleagues.Colleague>>> ListColleaguesAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListColleagues.Query(), cancellationToken));

    /// <summary>Sends the action and answers with the new version as the ETag.</summary>
    private static async Task<Ok<CaseActionResult>> ActAsync(ICommand<CaseActionResult> command, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        http.Response.Headers.ETag = ETags.Of(result.Version);
        return TypedResults.Ok(result);
    }

    private static Task<Ok<CaseActionResult>> AcceptAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new AcceptComplaint.Command(trackingCode, ETags.RequireVersion(ifMatch)), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> RejectAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        RejectComplaint.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new RejectComplaint.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Ground, request.Reason, request.Referral), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> AssignAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        AssignComplaint.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new AssignComplaint.Command(trackingCode, ETags.RequireVersion(ifMatch), request.AssigneeId), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> TransferAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        TransferComplaint.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new TransferComplaint.Command(trackingCode, ETags.RequireVersion(ifMatch), request.SectionCode, request.Reason), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> NoteAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        AddNote.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new AddNote.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Text), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> ReplyAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        AddReply.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new AddReply.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Text), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> RequestExtensionAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        RequestExtension.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new RequestExtension.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Days, request.Reason), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> DecideExtensionAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        DecideExtension.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new DecideExtension.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Approve, request.Reason), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> ResolveAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        ResolveComplaint.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new ResolveComplaint.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Result), mediator, http, cancellationToken);

    private static Task<Ok<CaseActionResult>> MergeAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        MergeComplaint.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new MergeComplaint.Command(trackingCode, ETags.RequireVersion(ifMatch), request.OriginalTrackingCode, request.Reason), mediator, http, cancellationToken);
}
