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

    /// <summary>The status in words: 待受理 / awaiting acceptance.</summary>
    public static string Name(this ComplaintStatus status, bool english) => status switch
    {
        ComplaintStatus.Submitted => english ? "awaiting acceptance" : "待受理",
        ComplaintStatus.Accepted => english ? "accepted" : "已受理",
        ComplaintStatus.InProgress => english ? "in progress" : "办理中",
        ComplaintStatus.Resolved => english ? "resolved" : "已办结",
        ComplaintStatus.Closed => english ? "closed" : "已关闭",
        ComplaintStatus.Rejected => english ? "rejected" : "不予受理",
        ComplaintStatus.Merged => english ? "merged" : "已合并",
        _ => status.ToString(),
    };
}
