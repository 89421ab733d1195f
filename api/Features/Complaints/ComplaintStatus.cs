namespace Feedback.Api.Features.Complaints;

/// <summary>Where a case is in its life (BRIEF §5). Serialised in snake_case: "in_progress".</summary>
public enum ComplaintStatus
{
    Submitted,
    Accepted,
    InProgress,
    Resolved,
    Closed,
    Rejected,
    Merged,
}
