using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Routing;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.StaffComplaints;

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
        return CaseActions.Of(action).Who switch
        {
            CaseActor.HandlingSection => member,
            CaseActor.SectionHead => member && viewer.Role is StaffRole.SectionHead or StaffRole.Discipline,
            CaseActor.Leader => viewer.Role == StaffRole.Leader,
            _ => false,
        };
    }

    public static string WhoMay(CaseAction action) => CaseActions.Of(action).Who switch
    {
        CaseActor.SectionHead => Lang.Pick("只有承办科室的负责人可以执行此操作", "Only the head of the handling section may do this"),
        CaseActor.Leader => Lang.Pick("只有局领导可以审批延期", "Only a bureau leader may decide on an extension"),
        _ => Lang.Pick("只有承办科室的工作人员可以执行此操作", "Only staff of the handling section may do this"),
    };

    public static string NotAllowedNow(CaseAction action, ComplaintStatus status)
    {
        var done = CaseActions.Of(action).Done;
        return Lang.Pick($"案件当前状态为“{status.Name(english: false)}”，不能{done.Zh}",
            $"The case is {status.Name(english: true)}: it cannot be {done.En} now");
    }

    /// <summary>The first condition besides the status that the case does not meet for this action, if any.</summary>
    public static Precondition? Unmet(CaseAction action, CaseFacts facts) =>
        CaseActions.Of(action).Requires.FirstOrDefault(condition => !condition.Holds(facts));

    /// <summary>
    /// The actions this viewer may take on this case right now (the console shows only these):
    /// exactly those the server would not refuse for a reason known in advance.
    /// </summary>
    public static IReadOnlyList<CaseAction> Available(Viewer viewer, string caseSection, CaseFacts facts) =>
        CaseActions.All
            .Where(a => MayPerform(viewer, a.Action, caseSection) && a.From(facts.Status) && Unmet(a.Action, facts) is null)
            .Select(a => a.Action)
            .ToList();
}
