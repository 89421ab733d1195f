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
    public static MimeMessage Compose(NotificationKind kind, Guid messageId, string recipient, NoticeFacts facts, MailboxAddress from)
    {
        var subject = kind.Email.Subject(facts);
        var paragraphs = kind.Email.Paragraphs(facts).Where(paragraph => paragraph.Length > 0).ToList();
        var action = kind.Email.Action(facts);
        var unsubscribe = facts.UnsubscribeLink(messageId);
        var footer = facts.Pick("您收到此邮件，是因为您在提交投诉时同意以邮件接收进展通知。不再接收：",
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
