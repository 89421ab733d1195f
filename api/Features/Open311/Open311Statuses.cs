using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// How a case's life reads in GeoReport: its status (open or closed), the public events that
/// change it (FixMyStreet's update statuses) and their wording, which is the citizen's timeline's.
/// </summary>
public static class Open311Statuses
{
    public const string Open = "open", Closed = "closed";

    /// <summary>open while the bureau still owes an answer; closed once resolved, closed, rejected or merged.</summary>
    public static string Of(ComplaintStatus status) => status.IsOpen() ? Open : Closed;

    /// <summary>The cases whose GeoReport status is this one ("open" or "closed").</summary>
    public static IEnumerable<string> Codes(string geoReportStatus) => Enum.GetValues<ComplaintStatus>()
        .Where(status => Of(status) == geoReportStatus)
        .Select(status => status.ToCode());

    /// <summary>The public events that change a case's status: servicerequestupdates lists these.</summary>
    public static readonly string[] UpdateEvents =
    [
        AcceptComplaint.Accepted.Type, RejectComplaint.Rejected.Type, ResolveComplaint.Resolved.Type, MergeComplaint.Merged.Type,
        "review_requested", "closed",
    ];

    /// <summary>
    /// The public events whose text says where the case stands (status_notes): the latest of them
    /// is the result, the rejection with its referral, the merge, or the acceptance, transfer,
    /// extension or review that the open case is in. The citizen's own texts are never among them.
    /// </summary>
    public static readonly string[] NoteEvents =
    [
        AcceptComplaint.Accepted.Type, TransferComplaint.Transferred.Type, DecideExtension.Approved.Type, "review_requested",
        ResolveComplaint.Resolved.Type, RejectComplaint.Rejected.Type, MergeComplaint.Merged.Type,
    ];

    /// <summary>
    /// FixMyStreet's status for an update (it reads them upper case, "_" for a space): a rejection
    /// by its ground — another authority's matter, a duplicate, or nothing further to do.
    /// </summary>
    public static string UpdateStatus(string eventType, CitizenWords w) => eventType switch
    {
        "accepted" or "review_requested" => "IN_PROGRESS",
        "resolved" => "FIXED",
        "closed" => "CLOSED",
        "merged" => "DUPLICATE",
        "rejected" => w.Text("ground") switch
        {
            "outside_remit" or "not_environmental" or "other_channel" => "NOT_COUNCILS_RESPONSIBILITY",
            "duplicate" => "DUPLICATE",
            _ => "NO_FURTHER_ACTION",
        },
        _ => "OPEN",
    };

    /// <summary>
    /// An event in the words the citizen's timeline uses, without the phone numbers and addresses
    /// staff may have written for the complainant. A review request is worded without the
    /// citizen's reason, which is theirs and not public.
    /// </summary>
    public static string PublicText(CitizenWordings wordings, string eventType, CitizenWords w) => eventType == "review_requested"
        ? Lang.Pick($"应投诉人申请复查，案件重新办理，将于 {w.Day("resolveBy")} 前办结",
            $"Reopened for review at the complainant's request; to be resolved by {w.Day("resolveBy")}")
        : Open311Wording.WithoutContactDetails(TrackComplaint.Describe(wordings, eventType, w));
}
