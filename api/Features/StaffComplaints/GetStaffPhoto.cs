using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Security;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// Staff fetch a photo of a case they may see (the same rule as the case itself: their section's
/// cases, conduct cases only for discipline inspection and leaders). Anything else is the 404 of
/// an unknown case, and the refusal is audited.
/// </summary>
public static class GetStaffPhoto
{
    public sealed record Query(string TrackingCode, Guid PhotoId) : IQuery<PhotoFile>;

    private sealed record Row(long Id, string TrackingCode, string SectionCode, string CategoryCode);

    public sealed class Handler(ReadDatabase database, CurrentStaff staff, CategoryCatalog catalog, AuditLog audit, PhotoReader photos)
        : IQueryHandler<Query, PhotoFile>
    {
        public async ValueTask<PhotoFile> Handle(Query query, CancellationToken cancellationToken)
        {
            var code = SecretCode.Normalize(query.TrackingCode) ?? throw CaseHandling.NotFound();
            Row? row;
            await using (var connection = await database.OpenConnectionAsync(cancellationToken))
                row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                    "select id, tracking_code, section_code, category_code from complaints where tracking_code = @code",
                    new { code }, cancellationToken: cancellationToken));
            if (row is null) throw CaseHandling.NotFound();
            var category = await catalog.GetCategoryAsync(row.CategoryCode);
            if (!CaseRules.CanSee(Viewer.Of(staff), row.SectionCode, category.Confidential))
            {
                await audit.RecordOutsideTransactionAsync(AuditActor.Of(staff),
                    new AuditEntry("complaint.photo", "complaint", row.TrackingCode, Reason: "case of a section the caller may not see"),
                    "denied", cancellationToken);
                throw CaseHandling.NotFound();
            }
            return await photos.ReadAsync(row.Id, query.PhotoId, cancellationToken);
        }
    }
}
