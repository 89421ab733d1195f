using System.Net;
using System.Text;
using MimeKit;

namespace Feedback.Api.Features.Notifications.Email;

/// <summary>
/// An email of a notification kind: plain text and HTML alternatives of the same paragraphs, in the
/// recipient's language, with the case's link and an unsubscribe link that needs no sign-in (also
/// in the List-Unsubscribe header, where mail programs show it). The Message-Id is the outbox
/// message's id, so a message sent twice is recognisably the same message.
/// </summary>
public static class EmailComposer
{
    public static MimeMessage Compose(NotificationKind kind, Guid messageId, string recipient, NoticeFacts facts, MailboxAddress from) =>
        Build(messageId, recipient, facts, from, kind.Email.Subject(facts), kind.Email.Paragraphs(facts), kind.Email.Action(facts), kind.Staff is not null);

    /// <summary>
    /// One email for a member of staff's digest: a line per message, oldest first. It carries the
    /// first message's id (and its unsubscribe link, which switches that kind off).
    /// </summary>
    public static MimeMessage ComposeDigest(IReadOnlyList<(NotificationKind Kind, Guid Id, NoticeFacts Facts)> items, string recipient, MailboxAddress from)
    {
        var (_, firstId, first) = items[0];
        var lines = items.Select(item => "· " + item.Kind.Staff!.DigestLine(item.Facts)).ToList();
        return Build(firstId, recipient, first, from, $"工作提醒汇总：{items.Count} 件新案件",
            ["以下案件进入本科室，请在期限内决定是否受理：", string.Join("\n", lines)], ("打开工作台", first.QueueLink), staff: true);
    }

    private static MimeMessage Build(Guid messageId, string recipient, NoticeFacts facts, MailboxAddress from, string subject,
        IReadOnlyList<string> body, (string Words, string Url)? action, bool staff)
    {
        var paragraphs = body.Where(paragraph => paragraph.Length > 0).ToList();
        var unsubscribe = facts.UnsubscribeLink(messageId);
        var footer = staff
            ? "您收到此邮件，是因为您在工作台开启了此类通知（可在“通知设置”中更改）。不再接收此类邮件："
            : facts.Pick("您收到此邮件，是因为您在提交投诉时同意以邮件接收进展通知。不再接收：",
                "You receive this email because you asked for news of your complaint by email when you submitted it. To stop: ");

        var text = new StringBuilder();
        foreach (var paragraph in paragraphs) text.Append(paragraph).Append("\n\n");
        if (action is { } link) text.Append(link.Words).Append(": ").Append(link.Url).Append("\n\n");
        text.Append("-- \n").Append(footer).Append(unsubscribe).Append('\n');

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(facts.English ? "en" : "zh-CN").Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(subject)).Append("</title></head><body style=\"font-family:sans-serif;line-height:1.6;color:#1f2933;max-width:36em\">");
        foreach (var paragraph in paragraphs) html.Append("<p>").Append(Encode(paragraph).Replace("\n", "<br>")).Append("</p>");
        if (action is { } button)
            html.Append("<p><a href=\"").Append(Encode(button.Url)).Append("\" style=\"display:inline-block;padding:.5em 1em;background:#0b6e4f;color:#fff;text-decoration:none;border-radius:4px\">")
                .Append(Encode(button.Words)).Append("</a></p>");
        html.Append("<hr><p style=\"font-size:small;color:#52606d\">").Append(Encode(footer))
            .Append("<a href=\"").Append(Encode(unsubscribe)).Append("\">").Append(Encode(unsubscribe)).Append("</a></p></body></html>");

        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = $"{messageId:N}@{from.Domain}",
            Body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.ToString() }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(recipient));
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
        return message;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
