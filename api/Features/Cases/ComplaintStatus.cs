namespace Feedback.Api.Features.Cases;

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

public static class ComplaintStatuses
{
    /// <summary>The statuses a section still has work in; their deadline (due_on) can be missed.</summary>
    public static readonly ComplaintStatus[] Open = [ComplaintStatus.Submitted, ComplaintStatus.Accepted, ComplaintStatus.InProgress];

    public static string ToCode(this ComplaintStatus status) => status switch
    {
        ComplaintStatus.InProgress => "in_progress",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static ComplaintStatus Parse(string code) => Enum.Parse<ComplaintStatus>(code.Replace("_", ""), ignoreCase: true);

    public static bool IsOpen(this ComplaintStatus status) => Open.Contains(status);
}
