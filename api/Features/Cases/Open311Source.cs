namespace Feedback.Api.Features.Cases;

/// <summary>What staff see of a case another system filed through Open311 (shared by the queue, the case view and the export).</summary>
/// <param name="KeyName">The name of the API key that filed it (the system it was issued to).</param>
/// <param name="DeviceId">The caller's device_id, as sent.</param>
/// <param name="AccountId">The caller's account_id: the citizen's account in the filing system.</param>
/// <param name="MediaUrl">The media_url sent: a link to open with care, never fetched by the server.</param>
public sealed record Open311Source(string KeyName, string? DeviceId, string? AccountId, string? MediaUrl)
{
    /// <summary>The filing key's name as a column of a query over complaints c ("filed_through"); null for other channels.</summary>
    public const string KeyNameSql =
        """
        case when c.channel = 'open311'
             then (select k.name from open311_requests r join open311_keys k on k.id = r.key_id where r.complaint_id = c.id) end as filed_through
        """;
}
