using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.Routing;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Auth;

namespace Feedback.Tests.Unit;

/// <summary>
/// The case workflow (BRIEF §5) as tables written independently of the code: every action
/// from every status (allowed or 409, and the status after), who sees which case, and who may do what.
/// </summary>
public sealed class CaseRulesTests
{
    private static readonly ComplaintStatus[] Statuses =
    [
        ComplaintStatus.Submitted, ComplaintStatus.Accepted, ComplaintStatus.InProgress, ComplaintStatus.Resolved,
        ComplaintStatus.Closed, ComplaintStatus.Rejected, ComplaintStatus.Merged,
    ];

    /// <summary>
    /// Rows: actions. Columns: the status before, in <see cref="Statuses"/> order. A cell is the
    /// status after, or "-" when the action is not allowed then (409).
    /// Work on an accepted case (assignment, note, reply) puts it in progress; resolve needs an
    /// accepted or in-progress case; a transfer hands the case back for a fresh decision; notes are
    /// allowed in every status; closed, rejected and merged cases take nothing else.
    /// </summary>
    private static readonly (CaseAction Action, string Row)[] Transitions =
    [
        //                                submitted    accepted     in_progress  resolved  closed  rejected  merged
        (CaseAction.Accept,              "accepted     -            -            -         -       -         -"),
        (CaseAction.Reject,              "rejected     -            -            -         -       -         -"),
        (CaseAction.Assign,              "submitted    in_progress  in_progress  -         -       -         -"),
        (CaseAction.Transfer,            "submitted    submitted    submitted    -         -       -         -"),
        (CaseAction.Note,                "submitted    in_progress  in_progress  resolved  closed  rejected  merged"),
        (CaseAction.Reply,               "submitted    in_progress  in_progress  -         -       -         -"),
        (CaseAction.RequestExtension,    "-            accepted     in_progress  -         -       -         -"),
        (CaseAction.DecideExtension,     "-            accepted     in_progress  -         -       -         -"),
        (CaseAction.Resolve,             "-            resolved     resolved     -         -       -         -"),
        (CaseAction.Merge,               "merged       merged       merged       -         -       -         -"),
    ];

    public static IEnumerable<TestCaseData> TransitionCells() =>
        from line in Transitions
        let cells = line.Row.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        from index in Enumerable.Range(0, Statuses.Length)
        let before = Statuses[index]
        let after = cells[index] == "-" ? null : cells[index]
        select new TestCaseData(line.Action, before, after)
            .SetName($"{line.Action} from {before.ToCode()} → {after ?? "not allowed (409)"}");

    [TestCaseSource(nameof(TransitionCells))]
    public void Every_action_from_every_status(CaseAction action, ComplaintStatus before, string? after)
    {
        var description = CaseActions.Of(action);
        Assert.That(description.From(before), Is.EqualTo(after is not null));
        if (after is not null) Assert.That(description.After(before).ToCode(), Is.EqualTo(after));
    }

    [Test]
    public void The_table_covers_every_action_and_every_status()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Transitions.Select(t => t.Action), Is.EquivalentTo(Enum.GetValues<CaseAction>()));
            Assert.That(Statuses, Is.EquivalentTo(Enum.GetValues<ComplaintStatus>()));
        });
    }

    [Test]
    public void A_refused_transition_explains_itself_in_both_languages()
    {
        var message = CaseRules.NotAllowedNow(CaseAction.Resolve, ComplaintStatus.Submitted);
        Assert.That(message, Does.Contain("待受理").Or.Contain("awaiting acceptance"));
    }

    // ---- who sees and who may act ----

    public enum Who { EnforcementClerk, EnforcementHead, DisciplineClerk, DisciplineInspector, Leader, Admin }

    private static Viewer ViewerOf(Who who) => who switch
    {
        Who.EnforcementClerk => new(1, StaffRole.Staff, "enforcement"),
        Who.EnforcementHead => new(2, StaffRole.SectionHead, "enforcement"),
        Who.DisciplineClerk => new(3, StaffRole.Staff, "discipline"),
        Who.DisciplineInspector => new(4, StaffRole.Discipline, "discipline"),
        Who.Leader => new(5, StaffRole.Leader, null),
        Who.Admin => new(6, StaffRole.Admin, null),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    /// <summary>
    /// Columns: an enforcement case; an office case; a conduct case (with discipline inspection);
    /// a conduct case left in enforcement (it should never happen — and even then the section does not see it).
    /// </summary>
    private static readonly (string Section, bool Confidential)[] VisibilityColumns =
        [("enforcement", false), ("office", false), ("discipline", true), ("enforcement", true)];

    private static readonly (Who Who, string Row)[] Visibility =
    [
        //                                 enforcement  office  conduct  conduct in enforcement
        (Who.EnforcementClerk,            "yes          no      no       no"),
        (Who.EnforcementHead,             "yes          no      no       no"),
        (Who.DisciplineClerk,             "no           no      yes      no"),
        (Who.DisciplineInspector,         "yes          yes     yes      yes"),
        (Who.Leader,                      "yes          yes     yes      yes"),
        (Who.Admin,                       "no           no      no       no"),
    ];

    public static IEnumerable<TestCaseData> VisibilityCells() =>
        from line in Visibility
        let cells = line.Row.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        from index in Enumerable.Range(0, VisibilityColumns.Length)
        let column = VisibilityColumns[index]
        select new TestCaseData(line.Who, column.Section, column.Confidential, cells[index] == "yes")
            .SetName($"{line.Who} {(cells[index] == "yes" ? "sees" : "does not see")} a {(column.Confidential ? "conduct" : "normal")} case of {column.Section}");

    [TestCaseSource(nameof(VisibilityCells))]
    public void Who_sees_which_case(Who who, string section, bool confidential, bool sees) =>
        Assert.That(CaseRules.CanSee(ViewerOf(who), section, confidential), Is.EqualTo(sees));

    private static readonly CaseAction[] ActionColumns =
    [
        CaseAction.Accept, CaseAction.Reject, CaseAction.Note, CaseAction.Reply, CaseAction.RequestExtension, CaseAction.Resolve,
        CaseAction.Assign, CaseAction.Transfer, CaseAction.Merge, CaseAction.DecideExtension,
    ];

    /// <summary>Columns: <see cref="ActionColumns"/>. Clerks handle; heads also assign, transfer and merge; only leaders decide extensions.</summary>
    private static readonly (Who Who, string CaseSection, string Row)[] Permissions =
    [
        //                                                  accept reject note reply ext resolve assign transfer merge decide
        (Who.EnforcementClerk,    "enforcement",           "yes    yes    yes  yes   yes yes     no     no       no    no"),
        (Who.EnforcementClerk,    "office",                "no     no     no   no    no  no      no     no       no    no"),
        (Who.EnforcementHead,     "enforcement",           "yes    yes    yes  yes   yes yes     yes    yes      yes   no"),
        (Who.EnforcementHead,     "office",                "no     no     no   no    no  no      no     no       no    no"),
        (Who.DisciplineClerk,     "discipline",            "yes    yes    yes  yes   yes yes     no     no       no    no"),
        (Who.DisciplineClerk,     "enforcement",           "no     no     no   no    no  no      no     no       no    no"),
        (Who.DisciplineInspector, "discipline",            "yes    yes    yes  yes   yes yes     yes    yes      yes   no"),
        (Who.DisciplineInspector, "enforcement",           "no     no     no   no    no  no      no     no       no    no"),
        (Who.Leader,              "enforcement",           "no     no     no   no    no  no      no     no       no    yes"),
        (Who.Leader,              "discipline",            "no     no     no   no    no  no      no     no       no    yes"),
        (Who.Admin,               "enforcement",           "no     no     no   no    no  no      no     no       no    no"),
        (Who.Admin,               "discipline",            "no     no     no   no    no  no      no     no       no    no"),
    ];

    public static IEnumerable<TestCaseData> PermissionCells() =>
        from line in Permissions
        let cells = line.Row.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        from index in Enumerable.Range(0, ActionColumns.Length)
        let action = ActionColumns[index]
        let may = cells[index] == "yes"
        select new TestCaseData(line.Who, line.CaseSection, action, may)
            .SetName($"{line.Who} {(may ? "may" : "may not")} {action} a case of {line.CaseSection}");

    [TestCaseSource(nameof(PermissionCells))]
    public void Who_may_do_what(Who who, string caseSection, CaseAction action, bool may) =>
        Assert.That(CaseRules.MayPerform(ViewerOf(who), action, caseSection), Is.EqualTo(may));

    // ---- what the console offers ----

    [Test]
    public void The_console_offers_only_what_the_viewer_may_do_now()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CaseRules.Available(ViewerOf(Who.EnforcementClerk), "enforcement", new CaseFacts(ComplaintStatus.Submitted, Confidential: false, null)),
                Is.EquivalentTo(new[] { CaseAction.Accept, CaseAction.Reject, CaseAction.Note, CaseAction.Reply }));
            Assert.That(CaseRules.Available(ViewerOf(Who.EnforcementHead), "enforcement", new CaseFacts(ComplaintStatus.InProgress, Confidential: false, null)),
                Is.EquivalentTo(new[]
                {
                    CaseAction.Assign, CaseAction.Transfer, CaseAction.Note, CaseAction.Reply, CaseAction.RequestExtension,
                    CaseAction.Resolve, CaseAction.Merge,
                }));
            Assert.That(CaseRules.Available(ViewerOf(Who.EnforcementHead), "enforcement", new CaseFacts(ComplaintStatus.InProgress, Confidential: false, "approved")),
                Does.Not.Contain(CaseAction.RequestExtension), "one extension per case");
            Assert.That(CaseRules.Available(ViewerOf(Who.Leader), "enforcement", new CaseFacts(ComplaintStatus.Accepted, Confidential: false, "requested")),
                Is.EqualTo(new[] { CaseAction.DecideExtension }));
            Assert.That(CaseRules.Available(ViewerOf(Who.Leader), "enforcement", new CaseFacts(ComplaintStatus.Accepted, Confidential: false, null)), Is.Empty,
                "nothing to decide");
            Assert.That(CaseRules.Available(ViewerOf(Who.EnforcementClerk), "enforcement", new CaseFacts(ComplaintStatus.Closed, Confidential: false, null)),
                Is.EqualTo(new[] { CaseAction.Note }));
            Assert.That(CaseRules.Available(ViewerOf(Who.Admin), "enforcement", new CaseFacts(ComplaintStatus.Submitted, Confidential: false, null)), Is.Empty);
        });
    }

    [Test]
    public void A_conduct_case_offers_no_transfer_and_no_ground_that_cannot_apply_to_it()
    {
        var inspector = new Viewer(1, StaffRole.Discipline, Router.DisciplineSection);
        Assert.Multiple(() =>
        {
            Assert.That(CaseRules.Available(inspector, Router.DisciplineSection, new CaseFacts(ComplaintStatus.InProgress, Confidential: true, null)),
                Does.Not.Contain(CaseAction.Transfer).And.Contain(CaseAction.Merge));
            Assert.That(CaseRules.Available(ViewerOf(Who.EnforcementHead), "enforcement", new CaseFacts(ComplaintStatus.InProgress, Confidential: false, null)),
                Does.Contain(CaseAction.Transfer));
            Assert.That(RejectionGrounds.For(confidential: true), Does.Not.Contain(RejectionGround.NotEnvironmental));
            Assert.That(RejectionGrounds.For(confidential: false), Is.EqualTo(Enum.GetValues<RejectionGround>()));
        });
    }

    // ---- the descriptions themselves ----

    [Test]
    public void Every_action_is_described_once_with_its_own_route_operation_and_events()
    {
        var all = CaseActions.All;
        Assert.Multiple(() =>
        {
            Assert.That(all.Select(a => a.Action), Is.EqualTo(Enum.GetValues<CaseAction>()), "one description per action, in enum order");
            Assert.That(all.Select(a => a.Route), Is.Unique);
            Assert.That(all.Select(a => a.OperationName), Is.Unique);
            Assert.That(all.Select(a => a.Code), Is.EqualTo(new[]
            {
                "accept", "reject", "assign", "transfer", "note", "reply", "request_extension", "decide_extension", "resolve", "merge",
            }));
            Assert.That(all.SelectMany(a => a.Events).Select(e => e.Type), Is.Unique, "an event type belongs to one action");
            // The database checks this shape (migration 0023) instead of listing the types.
            Assert.That(all.SelectMany(a => a.Events).Select(e => e.Type), Has.All.Match("^[a-z][a-z_]{0,39}$"));
            Assert.That(all.SelectMany(a => a.Events).Where(e => e.Public), Has.All.Matches<CaseEventType>(e => e.ForCitizen is not null),
                "every event the citizen sees is worded for them");
        });
    }
}
