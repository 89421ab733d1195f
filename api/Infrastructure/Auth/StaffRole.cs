namespace Feedback.Api.Infrastructure.Auth;

/// <summary>What a staff account may do; stored as snake_case text.</summary>
public enum StaffRole
{
    /// <summary>A clerk of one section: handles that section's cases.</summary>
    Staff,
    /// <summary>Head of one section: also assigns, transfers and merges.</summary>
    SectionHead,
    /// <summary>Discipline inspection (纪检监察): handles conduct cases and may look at every case.</summary>
    Discipline,
    /// <summary>Bureau leadership: sees every case, decides on extensions.</summary>
    Leader,
    /// <summary>Manages accounts, sections, routing rules and the calendar; sees no cases.</summary>
    Admin,
}

public static class StaffRoles
{
    public static string ToCode(this StaffRole role) => role switch
    {
        StaffRole.Staff => "staff",
        StaffRole.SectionHead => "section_head",
        StaffRole.Discipline => "discipline",
        StaffRole.Leader => "leader",
        StaffRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static StaffRole Parse(string code) => code switch
    {
        "staff" => StaffRole.Staff,
        "section_head" => StaffRole.SectionHead,
        "discipline" => StaffRole.Discipline,
        "leader" => StaffRole.Leader,
        "admin" => StaffRole.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown role"),
    };

    /// <summary>Roles that work on complaints (everyone but the administrator).</summary>
    public static readonly StaffRole[] CaseWorkers = [StaffRole.Staff, StaffRole.SectionHead, StaffRole.Discipline, StaffRole.Leader];
}
