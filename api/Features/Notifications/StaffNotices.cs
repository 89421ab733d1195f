using Feedback.Api.Infrastructure.Auth;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// What staff are told by email, each kind to the people it concerns. A message names the case
/// by its code, category and deadline and links to it in the console (which asks for a sign-in);
/// it carries nothing the citizen wrote and no contact details. Staff messages are in Chinese,
/// the bureau's working language.
/// </summary>
public static class StaffNotices
{
    private const string SectionHeads = "u.section_code = c.section_code and u.role in ('section_head', 'discipline')";

    private static string Case(NoticeFacts f) => $"{f.TrackingCode}（{f.Text("categoryZh")}）";

    private static EmailWording AboutTheCase(Func<NoticeFacts, string> subject, Func<NoticeFacts, string> line) => new(
        f => subject(f),
        f => [line(f), $"期限：{f.Day("dueOn")}"],
        f => ("打开案件", f.CaseLink));

    /// <summary>A case arrived in the section (filed, registered or transferred in). Facts: trackingCode, category, dueOn.</summary>
    public static readonly NotificationKind NewCase = new()
    {
        Code = "new_case", Name = ("本科室新案件", "New case in my section"),
        Email = AboutTheCase(f => $"新案件待受理：{Case(f)}", f => $"本科室收到新案件 {Case(f)}，请在期限内决定是否受理。"),
        Staff = new("u.section_code = c.section_code and u.role in ('staff', 'section_head', 'discipline')",
            [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline], [StaffRole.SectionHead, StaffRole.Discipline], Digest: true)
        {
            DigestLine = f => $"{Case(f)}，{f.Day("dueOn")} 前决定是否受理",
        },
    };

    /// <summary>指派: the case was assigned to the recipient. Facts: trackingCode, category, dueOn.</summary>
    public static readonly NotificationKind Assigned = new()
    {
        Code = "assigned", Name = ("指派给我的案件", "Case assigned to me"),
        Email = AboutTheCase(f => $"案件指派给您：{Case(f)}", f => $"案件 {Case(f)} 已指派给您办理。"),
        Staff = new("u.id = c.assignee_id",
            [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline], [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline]),
    };

    /// <summary>One working day before the deadline. Facts: trackingCode, category, dueOn.</summary>
    public static readonly NotificationKind DueSoon = new()
    {
        Code = "due_soon", Name = ("案件即将超期", "Case due soon"),
        Email = AboutTheCase(f => $"案件即将超期：{Case(f)}", f => $"案件 {Case(f)} 将于 {f.Day("dueOn")} 到期，请抓紧办理。"),
        Staff = new($"u.id = c.assignee_id or {SectionHeads}",
            [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline], [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline]),
    };

    /// <summary>督办: the deadline passed. Facts: trackingCode, category, dueOn.</summary>
    public static readonly NotificationKind Overdue = new()
    {
        Code = "overdue", Name = ("督办提醒", "Overdue reminder (督办)"),
        Email = AboutTheCase(f => $"督办：案件已超期 {Case(f)}", f => $"案件 {Case(f)} 已超过办理期限，请尽快办理并说明情况。"),
        Staff = new($"u.id = c.assignee_id or {SectionHeads}",
            [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline], [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline]),
    };

    /// <summary>延期申请, for the leaders who decide. Facts: trackingCode, category, dueOn, days.</summary>
    public static readonly NotificationKind ExtensionRequested = new()
    {
        Code = "extension_requested", Name = ("延期申请待审批", "Extension to decide"),
        Email = AboutTheCase(f => $"延期申请待审批：{Case(f)}", f => $"案件 {Case(f)} 申请延期 {f.Text("days")} 个工作日，请审批。"),
        Staff = new("u.role = 'leader'", [StaffRole.Leader], [StaffRole.Leader]),
    };

    /// <summary>A public summary waits for approval. Facts: trackingCode, category, dueOn.</summary>
    public static readonly NotificationKind PublicationPending = new()
    {
        Code = "publication_pending", Name = ("公开摘要待审批", "Publication to approve"),
        Email = new(
            f => $"公开摘要待审批：{Case(f)}",
            f => [$"案件 {Case(f)} 的公开摘要已提交，请审核后决定是否公开。"],
            f => ("打开案件", f.CaseLink)),
        Staff = new($"{SectionHeads} or u.role = 'leader'",
            [StaffRole.SectionHead, StaffRole.Discipline, StaffRole.Leader], [StaffRole.SectionHead, StaffRole.Discipline]),
    };

    public static readonly IReadOnlyList<NotificationKind> All = [NewCase, Assigned, DueSoon, Overdue, ExtensionRequested, PublicationPending];
}

/// <summary>Every kind of notification, the citizens' and the staff's.</summary>
public static class NotificationKinds
{
    public static readonly IReadOnlyList<NotificationKind> All = [.. CitizenNotices.All, .. StaffNotices.All];

    private static readonly Dictionary<string, NotificationKind> ByCode = All.ToDictionary(kind => kind.Code);

    public static NotificationKind? Find(string code) => ByCode.GetValueOrDefault(code);
}
