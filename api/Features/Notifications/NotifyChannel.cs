namespace Feedback.Api.Features.Notifications;

/// <summary>How someone can be told: by text message to a mobile number, or by email.</summary>
public enum NotifyChannel { Sms, Email }

public static class NotifyChannels
{
    public static string ToCode(this NotifyChannel channel) => channel == NotifyChannel.Sms ? "sms" : "email";

    public static NotifyChannel Parse(string code) => code == "sms" ? NotifyChannel.Sms : NotifyChannel.Email;
}
