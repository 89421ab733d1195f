using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using FluentValidation.Results;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Gives uploads to a case: the complaint being submitted, or a supplement to it. Each photo must
/// be an upload of the same device that no case has taken yet; unknown, another device's and
/// already-used photos all get the same answer, so ids cannot be probed.
/// </summary>
public sealed class PhotoAttachments(WriteTransaction database, BureauClock clock)
{
    /// <summary>At most nine photos per complaint and per supplement (the nine-grid of a phone's picker).</summary>
    public const int MaxPerRequest = 9;

    /// <summary>
    /// Attaches the photos in the command's transaction, by one conditional UPDATE: of two requests
    /// racing for one photo, the second waits for the first's row lock, then no longer matches, and
    /// is refused (400 on <paramref name="field"/>) — its transaction rolls back, storing nothing.
    /// </summary>
    public async Task AttachAsync(long complaintId, IReadOnlyList<Guid>? photoIds, string? deviceToken, string field, CancellationToken cancellationToken)
    {
        if (photoIds is not { Count: > 0 }) return;
        var deviceHash = DeviceToken.Hash(deviceToken) ?? throw NotYours(field);
        var ids = photoIds.Distinct().ToArray();
        var attached = await database.ExecuteAsync(
            """
            update photos set complaint_id = @complaintId, attached_at = @now
            where id = any(@ids) and device_hash = @deviceHash and complaint_id is null
            """,
            new { complaintId, now = clock.UtcNow, ids, deviceHash }, cancellationToken);
        if (attached != ids.Length) throw NotYours(field);
    }

    private static ValidationException NotYours(string field) => new([new ValidationFailure(field,
        Lang.Pick("照片无效或已被使用，请重新上传照片", "A photo is not valid or already used: upload it again"))]);
}

/// <summary>The rule on a list of photo ids, shared by the complaint and the supplement.</summary>
public static class PhotoIdRules
{
    public static string TooManyMessage => Lang.Pick($"最多上传 {PhotoAttachments.MaxPerRequest} 张照片", $"At most {PhotoAttachments.MaxPerRequest} photos");

    public static IRuleBuilderOptions<T, IReadOnlyList<Guid>?> PhotoIds<T>(this IRuleBuilder<T, IReadOnlyList<Guid>?> rule) =>
        rule.Must(ids => ids is null || ids.Count <= PhotoAttachments.MaxPerRequest)
            .WithMessage(_ => TooManyMessage)
            .Must(ids => ids is null || ids.Distinct().Count() == ids.Count)
            .WithMessage(_ => Lang.Pick("同一张照片只能添加一次", "Each photo may be added only once"));
}
