using Feedback.Api.Features.Routing;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;

namespace Feedback.Api.Features.Users;

/// <summary>What every account must satisfy, whether an administrator or the demo seed creates it.</summary>
public static class StaffAccountRules
{
    public const string UsernamePattern = "^[a-z][a-z0-9._-]{1,31}$";

    /// <summary>Clerks and heads need a section; discipline inspectors belong to discipline inspection; leaders and admins to none.</summary>
    public static bool SectionFits(StaffRole role, string? sectionCode) => role switch
    {
        StaffRole.Staff or StaffRole.SectionHead => sectionCode is not null,
        StaffRole.Discipline => sectionCode == Router.DisciplineSection,
        _ => sectionCode is null,
    };

    public static string SectionMessage => Lang.Pick(
        "科员和科室负责人须属于一个科室，纪检监察人员属于纪检监察室，局领导和管理员不属于科室",
        "Clerks and section heads belong to a section, discipline inspectors to discipline inspection, leaders and administrators to none");

    public static IRuleBuilderOptions<T, string> DisplayName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage(_ => Lang.Pick("请填写姓名", "Enter a name"))
            .MaximumLength(50).WithMessage(_ => Lang.Pick("姓名不能超过 50 个字", "A name has at most 50 characters"));
}
