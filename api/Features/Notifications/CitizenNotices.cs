namespace Feedback.Api.Features.Notifications;

/// <summary>
/// What a citizen who consented is told, and when. Each message is short and plain, names the
/// case by its tracking code only, and carries nothing the citizen wrote, no other person's data,
/// and (for a conduct case) nothing about the section or staff complained about. A text message
/// without a link fits one 70-character segment with a 10-character 【signature】; with a link, two.
/// </summary>
public static class CitizenNotices
{
    /// <summary>The case was filed. Facts: trackingCode, acceptBy.</summary>
    public static readonly NotificationKind Receipt = new()
    {
        Code = "receipt", Name = ("受理回执", "Receipt"),
        Sms = new("您的投诉已收到，查询编号{1}，将于{2}前决定是否受理。查看进展：{3}",
            "Complaint received, code {1}. We decide by {2} whether to take it on. Follow it: {3}",
            f => [f.TrackingCode, f.ShortDay("acceptBy"), f.TrackingLink]),
        Email = new(
            f => f.Pick($"投诉已收到（查询编号 {f.TrackingCode}）", $"Complaint received (tracking code {f.TrackingCode})"),
            f => [
                f.Pick($"我们已收到您的投诉，查询编号为 {f.TrackingCode}。", $"We have received your complaint. Its tracking code is {f.TrackingCode}."),
                f.Pick($"承办科室将于 {f.Day("acceptBy")} 前决定是否受理，届时我们会再通知您。",
                    $"The handling section will decide by {f.Day("acceptBy")} whether to take it on, and we will tell you."),
                f.Pick("查看进展需要查询编号和提交时显示的查询密码。为保护您的信息，本邮件不包含查询密码；如已遗失，可在查询页面申请发送新密码。",
                    "To follow it you need the tracking code and the query password shown when you submitted. For your safety this email does not contain the password; if you lost it, ask for a new one on the tracking page."),
            ],
            f => (f.Pick("查看进展", "Follow your case"), f.TrackingLink)),
    };

    /// <summary>受理. Facts: trackingCode, resolveBy.</summary>
    public static readonly NotificationKind Accepted = new()
    {
        Code = "accepted", Name = ("已受理", "Accepted"),
        Sms = new("您的投诉（查询编号{1}）已受理，将于{2}前办结。",
            "Your complaint {1} is accepted and will be resolved by {2}.",
            f => [f.TrackingCode, f.ShortDay("resolveBy")]),
        Email = new(
            f => f.Pick($"投诉已受理（查询编号 {f.TrackingCode}）", $"Complaint accepted ({f.TrackingCode})"),
            f => [f.Pick($"您的投诉已受理，将于 {f.Day("resolveBy")} 前办结。", $"Your complaint is accepted and will be resolved by {f.Day("resolveBy")}.")],
            f => (f.Pick("查看进展", "Follow your case"), f.TrackingLink)),
    };

    /// <summary>不予受理. Facts: trackingCode, groundZh, groundEn, reason, referral.</summary>
    public static readonly NotificationKind Rejected = new()
    {
        Code = "rejected", Name = ("不予受理", "Not accepted"),
        Sms = new("您的投诉（查询编号{1}）不予受理：{2}。详情请凭编号查看。",
            "Complaint {1} not accepted: {2}. See the tracking page.",
            f => [f.TrackingCode, f.Pick(f.Text("groundZh"), f.Text("groundEn"))]),
        Email = new(
            f => f.Pick($"投诉不予受理（查询编号 {f.TrackingCode}）", $"Complaint not accepted ({f.TrackingCode})"),
            f => [
                f.Pick($"您的投诉不予受理：{f.Text("groundZh")}。", $"Your complaint is not accepted: {f.Text("groundEn")}."),
                f.Pick($"说明：{f.Text("reason")}", $"Why: {f.Text("reason")}"),
                f.Pick($"建议您：{f.Text("referral")}", $"Where to go instead: {f.Text("referral")}"),
            ],
            f => (f.Pick("查看详情", "See your case"), f.TrackingLink)),
    };

    /// <summary>A public reply (答复). Facts: trackingCode, reply.</summary>
    public static readonly NotificationKind Replied = new()
    {
        Code = "reply", Name = ("答复", "Reply"),
        Sms = new("您的投诉（查询编号{1}）有新的答复，请凭查询编号和密码查看。",
            "There is a new reply on your complaint {1}. Read it with your code and password.",
            f => [f.TrackingCode]),
        Email = new(
            f => f.Pick($"您的投诉有新的答复（查询编号 {f.TrackingCode}）", $"A reply on your complaint ({f.TrackingCode})"),
            f => [f.Pick("承办科室答复如下：", "The handling section replied:"), f.Text("reply")],
            f => (f.Pick("查看详情", "See your case"), f.TrackingLink)),
    };

    /// <summary>办结, first time. Facts: trackingCode, result, evaluateBy.</summary>
    public static readonly NotificationKind Resolved = new()
    {
        Code = "resolved", Name = ("已办结", "Resolved"),
        Sms = new("您的投诉（查询编号{1}）已办结，请于{2}前评价：{3}",
            "Your complaint {1} is resolved. Please rate the result by {2}: {3}",
            f => [f.TrackingCode, f.ShortDay("evaluateBy"), f.TrackingLink]),
        Email = new(
            f => f.Pick($"投诉已办结，请评价（查询编号 {f.TrackingCode}）", $"Complaint resolved: please rate it ({f.TrackingCode})"),
            f => [
                f.Pick("您的投诉已办结。处理结果：", "Your complaint is resolved. The result:"),
                f.Text("result"),
                f.Pick($"请于 {f.Day("evaluateBy")} 前告诉我们问题是否解决、您是否满意；如对结果有异议，可在办结后 30 日内申请复查。",
                    $"Please tell us by {f.Day("evaluateBy")} whether the problem is solved and whether you are satisfied. If you disagree with the result, you may ask for a review within 30 days."),
            ],
            f => (f.Pick("评价处理结果", "Rate the result"), f.TrackingLink)),
    };

    /// <summary>办结 of a case the citizen asked to have reviewed (复查). Facts: trackingCode, result.</summary>
    public static readonly NotificationKind Reviewed = new()
    {
        Code = "reviewed", Name = ("复查结果", "Review outcome"),
        Sms = new("您申请复查的投诉（查询编号{1}）已重新办结，请凭查询编号查看复查结果。",
            "The review of your complaint {1} is done. See the outcome on the tracking page.",
            f => [f.TrackingCode]),
        Email = new(
            f => f.Pick($"复查结果（查询编号 {f.TrackingCode}）", $"Review outcome ({f.TrackingCode})"),
            f => [f.Pick("您申请复查的投诉已重新办结。复查结果：", "The review you asked for is done. The outcome:"), f.Text("result")],
            f => (f.Pick("查看详情", "See your case"), f.TrackingLink)),
    };

    /// <summary>合并 into another case. Facts: trackingCode (the other case is not named: it is someone else's).</summary>
    public static readonly NotificationKind Merged = new()
    {
        Code = "merged", Name = ("合并办理", "Merged"),
        Sms = new("您的投诉（查询编号{1}）已与反映同一问题的案件合并办理，请凭查询编号查看。",
            "Your complaint {1} is now handled together with a case about the same problem.",
            f => [f.TrackingCode]),
        Email = new(
            f => f.Pick($"投诉已合并办理（查询编号 {f.TrackingCode}）", $"Complaint merged ({f.TrackingCode})"),
            f => [f.Pick("您的投诉与反映同一问题的另一案件合并办理，处理结果以该案件为准。",
                "Your complaint is now handled together with another case about the same problem; its outcome answers yours.")],
            f => (f.Pick("查看详情", "See your case"), f.TrackingLink)),
    };

    /// <summary>The evaluation window closes soon and the citizen has not evaluated. Facts: trackingCode, evaluateBy.</summary>
    public static readonly NotificationKind EvaluationReminder = new()
    {
        Code = "evaluation_reminder", Name = ("评价提醒", "Rating reminder"),
        Sms = new("您的投诉（查询编号{1}）评价将于{2}截止，请及时评价：{3}",
            "Rating your complaint {1} closes on {2}. Please rate it: {3}",
            f => [f.TrackingCode, f.ShortDay("evaluateBy"), f.TrackingLink]),
        Email = new(
            f => f.Pick($"请评价处理结果（{f.Day("evaluateBy")} 截止）", $"Please rate the result (until {f.Day("evaluateBy")})"),
            f => [f.Pick($"您的投诉（查询编号 {f.TrackingCode}）已办结，评价将于 {f.Day("evaluateBy")} 截止，逾期案件将自动关闭。",
                $"Your complaint ({f.TrackingCode}) is resolved. Rating closes on {f.Day("evaluateBy")}; then the case closes by itself.")],
            f => (f.Pick("评价处理结果", "Rate the result"), f.TrackingLink)),
    };

    /// <summary>
    /// A new query password the citizen asked for on the tracking page, sent only to a contact they
    /// consented to. Facts: trackingCode, password (removed once sent).
    /// </summary>
    public static readonly NotificationKind PasswordReset = new()
    {
        Code = "password_reset", Name = ("新查询密码", "New query password"),
        Sms = new("您的投诉（查询编号{1}）新的查询密码为{2}，原密码已失效。",
            "New query password for complaint {1}: {2}. The old one no longer works.",
            f => [f.TrackingCode, f.Text("password")]),
        Email = new(
            f => f.Pick($"新的查询密码（查询编号 {f.TrackingCode}）", $"Your new query password ({f.TrackingCode})"),
            f => [
                f.Pick($"您在查询页面申请了新的查询密码：{f.Text("password")}", $"You asked for a new query password on the tracking page: {f.Text("password")}"),
                f.Pick("原密码已失效。如果不是您本人申请，请使用此新密码查询，并妥善保管。",
                    "The old password no longer works. If you did not ask for this, use this new password and keep it safe."),
            ],
            f => (f.Pick("查看进展", "Follow your case"), f.TrackingLink)),
        Secrets = ["password"],
    };

    public static readonly IReadOnlyList<NotificationKind> All =
        [Receipt, Accepted, Rejected, Replied, Resolved, Reviewed, Merged, EvaluationReminder, PasswordReset];
}
