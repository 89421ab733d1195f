using System.Text.Json;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Complaints;

namespace Feedback.Api.Features.StaffComplaints;

// Each action is described once, in its own file, and listed in CaseActions.All.
/// <summary>What staff can do to a case.</summary>
public enum CaseAction { Accept, Reject, Assign, Transfer, Note, Reply, RequestExtension, DecideExtension, Resolve, Merge }

/// <summary>Who may take an action.</summary>
public enum CaseActor
{
    /// <summary>Any member of the section handling the case.</summary>
    HandlingSection,
    /// <summary>The handling section's head (a discipline inspector in discipline inspection).</summary>
    SectionHead,
    /// <summary>A bureau leader.</summary>
    Leader,
}

/// <summary>What is known of a case before anyone acts on it: enough to tell in advance whether an action can succeed.</summary>
public sealed record CaseFacts(ComplaintStatus Status, bool Confidential, string? ExtensionStatus);

/// <summary>A condition besides the status that an action needs, and the refusal (409) when the case does not meet it.</summary>
public sealed record Precondition(Func<CaseFacts, bool> Holds, string Zh, string En);

/// <summary>
/// One case action, described once. From this description come the rules (who, from which
/// statuses, what else must hold), the status the action leads to (written by the shared
/// <see cref="CaseHandling"/> step), the route and its request (one generic mapping in
/// <see cref="StaffComplaintsEndpoints"/>), the audit entry's name, the available actions in the
/// case response and the timeline events with the citizen's wording.
/// </summary>
public sealed class CaseActionDefinition
{
    public required CaseAction Action { get; init; }

    /// <summary>Below /api/v1/staff/complaints/{trackingCode}.</summary>
    public required string Route { get; init; }

    public required string OperationName { get; init; }

    public required string Summary { get; init; }

    /// <summary>How the POST becomes the action's command.</summary>
    public required CaseActionBinding Request { get; init; }

    public required CaseActor Who { get; init; }

    public required Func<ComplaintStatus, bool> From { get; init; }

    public Func<ComplaintStatus, ComplaintStatus> After { get; init; } = StatusAfter.Unchanged;

    public IReadOnlyList<Precondition> Requires { get; init; } = [];

    /// <summary>The events the action may write; the first is the usual one.</summary>
    public required IReadOnlyList<CaseEventType> Events { get; init; }

    /// <summary>The action as a past participle, for "cannot be … now": (受理, accepted).</summary>
    public required (string Zh, string En) Done { get; init; }

    /// <summary>snake_case, as in availableActions and the audit log: "request_extension".</summary>
    public string Code => JsonNamingPolicy.SnakeCaseLower.ConvertName(Action.ToString());

    public string AuditAction => $"complaint.{Code}";
}

/// <summary>The statuses an action may start from.</summary>
public static class WhenStatus
{
    public static readonly Func<ComplaintStatus, bool> Submitted = status => status == ComplaintStatus.Submitted;
    public static readonly Func<ComplaintStatus, bool> Open = status => status.IsOpen();
    public static readonly Func<ComplaintStatus, bool> InHand = status => status is ComplaintStatus.Accepted or ComplaintStatus.InProgress;
    public static readonly Func<ComplaintStatus, bool> Any = _ => true;
}

/// <summary>The status an action leads to.</summary>
public static class StatusAfter
{
    public static Func<ComplaintStatus, ComplaintStatus> Becomes(ComplaintStatus next) => _ => next;

    /// <summary>Work on an accepted case (an assignment, a note, a reply) puts it in progress.</summary>
    public static readonly Func<ComplaintStatus, ComplaintStatus> WorkStarts =
        status => status == ComplaintStatus.Accepted ? ComplaintStatus.InProgress : status;

    public static readonly Func<ComplaintStatus, ComplaintStatus> Unchanged = status => status;
}

public static class CaseActions
{
    /// <summary>Every action, in the order of <see cref="CaseAction"/>.</summary>
    public static readonly IReadOnlyList<CaseActionDefinition> All =
    [
        AcceptComplaint.Description, RejectComplaint.Description, AssignComplaint.Description, TransferComplaint.Description,
        AddNoteOrReply.Note, AddNoteOrReply.Reply, RequestExtension.Description, DecideExtension.Description,
        ResolveComplaint.Description, MergeComplaint.Description,
    ];

    private static readonly Dictionary<CaseAction, CaseActionDefinition> ByAction = All.ToDictionary(a => a.Action);

    public static CaseActionDefinition Of(CaseAction action) => ByAction[action];

    /// <summary>The timeline events the actions write (registered for the citizen's tracking page).</summary>
    public static IEnumerable<CaseEventType> EventTypes => All.SelectMany(a => a.Events);
}
