using System.Text.Json;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// Why a case was not accepted (不予受理的理由), from a fixed list so the public bulletin can group
/// them; the free-text reason and referral tell the citizen the particulars. Serialised in
/// snake_case ("outside_remit"), as stored in complaints.rejection_ground.
/// </summary>
public enum RejectionGround
{
    /// <summary>不属于生态环境部门职责: another authority's matter (referred there).</summary>
    OutsideRemit,
    /// <summary>非生态环境问题: not an environmental matter at all.</summary>
    NotEnvironmental,
    /// <summary>已经或依法应当通过诉讼、仲裁、行政复议等法定途径解决 (信访条例 art. 21).</summary>
    OtherChannel,
    /// <summary>重复投诉: the same matter is already accepted or in hand.</summary>
    Duplicate,
    /// <summary>信息不全，无法核实: no place, time or subject to check.</summary>
    InsufficientInformation,
    Other,
}

public static class RejectionGrounds
{
    public static string ToCode(this RejectionGround ground) => JsonNamingPolicy.SnakeCaseLower.ConvertName(ground.ToString());

    /// <summary>
    /// Whether a case may be rejected on this ground: a conduct complaint is about the bureau's own
    /// staff, so "not an environmental matter" never fits it.
    /// </summary>
    public static bool AppliesTo(this RejectionGround ground, bool confidential) =>
        !(confidential && ground == RejectionGround.NotEnvironmental);

    /// <summary>The grounds a case of this kind may be rejected on, in the order the form lists them.</summary>
    public static IReadOnlyList<RejectionGround> For(bool confidential) =>
        Enum.GetValues<RejectionGround>().Where(ground => ground.AppliesTo(confidential)).ToList();

    public static string Label(this RejectionGround ground) => ground.Label(Lang.IsEnglish);

    /// <summary>The ground's name in one of the two languages (a citizen's notice speaks theirs, not the clerk's).</summary>
    public static string Label(this RejectionGround ground, bool english)
    {
        var (zh, en) = ground switch
        {
            RejectionGround.OutsideRemit => ("不属于本局职责范围", "Outside the bureau's remit"),
            RejectionGround.NotEnvironmental => ("非生态环境问题", "Not an environmental matter"),
            RejectionGround.OtherChannel => ("应通过诉讼、仲裁、复议等法定途径解决", "For a court, arbitration or administrative review"),
            RejectionGround.Duplicate => ("重复投诉", "Duplicate of a case in hand"),
            RejectionGround.InsufficientInformation => ("信息不全，无法核实", "Too little information to verify"),
            _ => ("其他", "Other"),
        };
        return english ? en : zh;
    }
}
