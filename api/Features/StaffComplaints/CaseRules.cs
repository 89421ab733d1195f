using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Routing;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>What staff can do to a case.</summary>
public enum CaseAction { Accept, Reject, Assign, Transfer, Note, Reply, RequestExtension, DecideExtension, Resolve, Merge }

/// <summary>Who is looking: enough of the signed-in staff member to decide what they may see and do.</summary>
public sealed record Viewer(long Id, StaffRole Role, string? SectionCode)
{
    public static Viewer Of(CurrentStaff staff) => new(staff.Id, staff.Role, staff.SectionCode);
}

/// <summary>
/// The case workflow of BRIEF §5 as pure rules: who may see a case, who may act on it, and which
/// action is allowed in which status. Unit-tested transition by transition.
/// </summary>
public static class CaseRules
{
    /// <summary>
    /// Leaders and discipline inspection see every case; everyone else sees their own section's
    /// cases, and never a conduct case unless their section is discipline inspection.
    /// </summary>
    public static bool CanSee(Viewer viewer, string caseSection, bool confidential) => viewer.Role switch
    {
        StaffRole.Leader or StaffRole.Discipline => true,
        StaffRole.Staff or StaffRole.SectionHead => viewer.SectionCode == caseSection
                                                    && (!confidential || caseSection == Router.DisciplineSection),
        _ => false,
    };

    /// <summary>Members of the handling section handle; its head (discipline inspectors in theirs) also assigns, transfers, merges; leaders decide extensions.</summary>
    public static bool MayPerform(Viewer viewer, CaseAction action, string caseSection)
    {
        var member = viewer.SectionCode == caseSection && viewer.Role is StaffRole.Staff or StaffRole.SectionHead or StaffRole.Discipline;
        var head = member && viewer.Role is StaffRole.SectionHead or StaffRole.Discipline;
        return action switch
        {
            CaseAction.Assign or CaseAction.Transfer or CaseAction.Merge => head,
            CaseAction.DecideExtension => viewer.Role == StaffRole.Leader,
            _ => member,
        };
    }

    public static string WhoMay(CaseAction action) => action switch
    {
        CaseAction.Assign or CaseAction.Transfer or CaseAction.Merge =>
            Lang.Pick("只有承办科室的负责人可以执行此操作", "Only the head of the handling section may do this"),
        CaseAction.DecideExtension => Lang.Pick("只有局领导可以审批延期", "Only a bureau leader may decide on an extension"),
        _ => Lang.Pick("只有承办科室的工作人员可以执行此操作", "Only staff of the handling section may do this"),
    };

    /// <summary>The statuses each action may start from.</summary>
    public static bool AllowedFrom(CaseAction action, ComplaintStatus status) => action switch
    {
        CaseAction.Accept or CaseAction.Reject => status == ComplaintStatus.Submitted,
        CaseAction.Assign or CaseAction.Transfer or CaseAction.Reply or CaseAction.Merge => status.IsOpen(),
        CaseAction.RequestExtension or CaseAction.DecideExtension or CaseAction.Resolve =>
            status is ComplaintStatus.Accepted or ComplaintStatus.InProgress,
        // Internal notes document a case at any time, even after it ends.
        CaseAction.Note => true,
        _ => false,
    };

    /// <summary>
    /// The status after the action. Work on an accepted case (an assignment, a note, a reply)
    /// puts it in progress; a transfer hands it to a section that must decide afresh.
    /// </summary>
    public static ComplaintStatus After(CaseAction action, ComplaintStatus status) => action switch
    {
        CaseAction.Accept => ComplaintStatus.Accepted,
        CaseAction.Reject => ComplaintStatus.Rejected,
        CaseAction.Transfer => ComplaintStatus.Submitted,
        CaseAction.Resolve => ComplaintStatus.Resolved,
        CaseAction.Merge => ComplaintStatus.Merged,
        CaseAction.Assign or CaseAction.Note or CaseAction.Reply when status == ComplaintStatus.Accepted => ComplaintStatus.InProgress,
        _ => status,
    };

    public static string NotAllowedNow(CaseAction action, ComplaintStatus status) =>
        Lang.Pick($"案件当前状态为“{StatusName(status, english: false)}”，不能{ActionName(action, english: false)}",
            $"The case is {StatusName(status, english: true)}: it cannot be {ActionName(action, english: true)} now");

    /// <summary>The actions this viewer may take on this case right now (the console shows only these).</summary>
    public static IReadOnlyList<CaseAction> Available(Viewer viewer, string caseSection, ComplaintStatus status, string? extensionStatus) =>
        Enum.GetValues<CaseAction>()
            .Where(action => MayPerform(viewer, action, caseSection) && AllowedFrom(action, status))
            .Where(action => action switch
            {
                CaseAction.RequestExtension => extensionStatus is null,
                CaseAction.DecideExtension => extensionStatus == "requested",
                _ => true,
            })
            .ToList();

    public static string StatusName(ComplaintStatus status, bool english) => status switch
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

    private static string ActionName(CaseAction action, bool english) => action switch
    {
        CaseAction.Accept => english ? "accepted" : "受理",
        CaseAction.Reject => english ? "rejected" : "不予受理",
        CaseAction.Assign => english ? "assigned" : "指派",
        CaseAction.Transfer => english ? "transferred" : "转办",
        CaseAction.Note => english ? "annotated" : "添加内部备注",
        CaseAction.Reply => english ? "replied to" : "答复",
        CaseAction.RequestExtension => english ? "extended" : "申请延期",
        CaseAction.DecideExtension => english ? "given an extension decision" : "审批延期",
        CaseAction.Resolve => english ? "resolved" : "办结",
        CaseAction.Merge => english ? "merged" : "合并",
        _ => action.ToString(),
    };
}
