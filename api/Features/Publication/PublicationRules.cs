using Feedback.Api.Features.Cases;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Publication;

/// <summary>What staff can do about publishing a case.</summary>
public enum PublicationAction { Propose, Decide, Withdraw }

/// <summary>
/// Who may publish what. Members of the handling section propose a resolved or closed
/// environmental case with a summary and a result they wrote; its head — or a bureau leader,
/// so a head's own proposal can be approved too — approves or refuses, never the person who
/// wrote the text (four eyes); members and leaders withdraw (a mistake must come down quickly,
/// and taking text down needs no second opinion). Conduct cases are never published, whoever asks.
/// </summary>
public static class PublicationRules
{
    public static bool MayPerform(Viewer viewer, PublicationAction action, string caseSection)
    {
        var member = viewer.SectionCode == caseSection && viewer.Role is StaffRole.Staff or StaffRole.SectionHead or StaffRole.Discipline;
        var head = member && viewer.Role is StaffRole.SectionHead or StaffRole.Discipline;
        return action switch
        {
            PublicationAction.Propose => member,
            PublicationAction.Decide => head || viewer.Role == StaffRole.Leader,
            PublicationAction.Withdraw => member || viewer.Role == StaffRole.Leader,
            _ => false,
        };
    }

    /// <summary>Only a case whose outcome is known: resolved or closed (never rejected or merged).</summary>
    public static bool CaseIsPublishable(ComplaintStatus status) => status is ComplaintStatus.Resolved or ComplaintStatus.Closed;

    /// <summary>The publication statuses each action may start from ("none": nothing proposed yet).</summary>
    public static bool AllowedFrom(PublicationAction action, string status) => action switch
    {
        PublicationAction.Propose => true,
        PublicationAction.Decide => status == "proposed",
        PublicationAction.Withdraw => status is "proposed" or "published",
        _ => false,
    };

    public static string WhoMay(PublicationAction action) => action switch
    {
        PublicationAction.Decide => Lang.Pick("只有承办科室的负责人或局领导可以审批公开", "Only the head of the handling section or a bureau leader may decide on publication"),
        PublicationAction.Withdraw => Lang.Pick("只有承办科室的工作人员或局领导可以撤回公开", "Only staff of the handling section or a bureau leader may withdraw a publication"),
        _ => Lang.Pick("只有承办科室的工作人员可以申请公开", "Only staff of the handling section may propose publication"),
    };

    public static string NeverConfidential =>
        Lang.Pick("涉及工作人员作风的案件一律不公开", "Cases about staff conduct are never published");

    public static string CaseNotFinished =>
        Lang.Pick("只有已办结或已关闭的案件可以公开", "Only a resolved or closed case can be published");

    public static string OwnProposal =>
        Lang.Pick("不能审批自己撰写的公开稿，请由另一位负责人或局领导审批", "You wrote this text: another head or a bureau leader must decide on it");

    public static string NotAllowedNow(PublicationAction action) => action switch
    {
        PublicationAction.Decide => Lang.Pick("没有待审批的公开申请", "There is no proposal waiting for a decision"),
        _ => Lang.Pick("该案件没有已公开或待审批的内容", "Nothing of this case is published or waiting for a decision"),
    };

    public static string ActionCode(PublicationAction action) => action.ToString().ToLowerInvariant();
}
