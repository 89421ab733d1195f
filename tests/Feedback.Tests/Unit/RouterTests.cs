using CatalogCategory = Feedback.Api.Features.Categories.CategoryCatalog.Category;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Routing;

namespace Feedback.Tests.Unit;

/// <summary>分派: ordered rules, first match wins, every stated condition must hold; conduct always goes to discipline inspection; fallbacks.</summary>
public sealed class RouterTests
{
    private static CatalogCategory Category(string code, string defaultSection = "enforcement", bool confidential = false) =>
        new(code, code.Split('.')[0], "组", "Group", confidential, "类别", "Category", "说明", "Description", defaultSection, 2, 15, true);

    private static readonly CatalogCategory Odor = Category("air.odor");
    private static readonly CatalogCategory Dust = Category("air.dust");
    private static readonly CatalogCategory River = Category("water.river");
    private static readonly CatalogCategory Misconduct = Category("conduct.misconduct", "discipline", confidential: true);

    private static readonly string[] Sections = ["office", "enforcement", "monitoring", "pollution", "approval", "discipline"];

    private static RoutingRule Rule(long id, int position, string section, string? category = null, string? group = null,
        string? township = null, params string[] keywords) =>
        new(id, position, $"rule {id}", category, group, township, keywords, section);

    private static RoutingDecision Route(CatalogCategory category, IReadOnlyList<RoutingRule> rules, string description = "有异味",
        string? township = null, string[]? sections = null) =>
        Router.Route(category, township, description, rules, code => (sections ?? Sections).Contains(code));

    [Test]
    public void Without_rules_the_categorys_default_section_handles_it()
    {
        var decision = Route(Dust, []);
        Assert.That(decision, Is.EqualTo(new RoutingDecision("enforcement", RoutingBasis.CategoryDefault)));
    }

    [Test]
    public void When_the_default_section_is_gone_the_office_handles_it()
    {
        var decision = Route(Category("other", "retired_section"), []);
        Assert.That(decision, Is.EqualTo(new RoutingDecision("office", RoutingBasis.Fallback)));
    }

    [Test]
    public void A_category_rule_matches_only_that_category()
    {
        RoutingRule[] rules = [Rule(1, 1, "monitoring", category: "air.odor")];
        Assert.Multiple(() =>
        {
            Assert.That(Route(Odor, rules), Is.EqualTo(new RoutingDecision("monitoring", RoutingBasis.Rule, 1, "rule 1")));
            Assert.That(Route(Dust, rules).SectionCode, Is.EqualTo("enforcement"));
        });
    }

    [Test]
    public void A_group_rule_matches_every_category_of_the_group()
    {
        RoutingRule[] rules = [Rule(1, 1, "pollution", group: "air")];
        Assert.Multiple(() =>
        {
            Assert.That(Route(Odor, rules).SectionCode, Is.EqualTo("pollution"));
            Assert.That(Route(Dust, rules).SectionCode, Is.EqualTo("pollution"));
            Assert.That(Route(River, rules).SectionCode, Is.EqualTo("enforcement"));
        });
    }

    [TestCase("甘霖镇", true)]
    [TestCase(" 甘霖镇 ", true, TestName = "A township rule ignores spaces around the citizen's township")]
    [TestCase("Ganlin", true, TestName = "A township rule ignores case")]
    [TestCase("剡湖街道", false)]
    [TestCase(null, false, TestName = "A township rule never matches a complaint without a township")]
    public void A_township_rule_matches_that_township(string? township, bool matches)
    {
        RoutingRule[] rules = [Rule(1, 1, "monitoring", township: township is "Ganlin" ? "GANLIN" : "甘霖镇")];
        Assert.That(Route(Odor, rules, township: township).SectionCode, Is.EqualTo(matches ? "monitoring" : "enforcement"));
    }

    [TestCase("工地附近 PM2.5 很高", true, TestName = "A keyword matches whatever its case (pm2.5 in PM2.5)")]
    [TestCase("河面漂着颗粒物", true, TestName = "Any one of the keywords is enough")]
    [TestCase("工地扬尘很大", false, TestName = "No keyword, no match")]
    [TestCase("PM 2.5", false, TestName = "A keyword must appear as written")]
    public void A_keyword_rule_matches_any_keyword_in_the_description(string description, bool matches)
    {
        RoutingRule[] rules = [Rule(1, 1, "monitoring", keywords: ["pm2.5", "颗粒物"])];
        Assert.That(Route(Dust, rules, description).SectionCode, Is.EqualTo(matches ? "monitoring" : "enforcement"));
    }

    [Test]
    public void Every_condition_a_rule_states_must_hold()
    {
        RoutingRule[] rules = [Rule(1, 1, "monitoring", category: "air.odor", township: "甘霖镇", keywords: ["化工"])];
        Assert.Multiple(() =>
        {
            Assert.That(Route(Odor, rules, "化工厂异味", "甘霖镇").SectionCode, Is.EqualTo("monitoring"));
            Assert.That(Route(Odor, rules, "化工厂异味", "剡湖街道").SectionCode, Is.EqualTo("enforcement"), "wrong township");
            Assert.That(Route(Odor, rules, "垃圾站异味", "甘霖镇").SectionCode, Is.EqualTo("enforcement"), "no keyword");
            Assert.That(Route(Dust, rules, "化工厂扬尘", "甘霖镇").SectionCode, Is.EqualTo("enforcement"), "wrong category");
        });
    }

    [Test]
    public void The_first_matching_rule_by_position_wins_whatever_the_list_order()
    {
        RoutingRule[] rules =
        [
            Rule(3, 3, "approval", group: "air"),
            Rule(2, 2, "pollution", category: "air.dust"),
            Rule(1, 1, "monitoring", keywords: ["夜间"]),
        ];
        Assert.Multiple(() =>
        {
            Assert.That(Route(Dust, rules, "夜间扬尘").RuleId, Is.EqualTo(1));
            Assert.That(Route(Dust, rules, "白天扬尘").RuleId, Is.EqualTo(2));
            Assert.That(Route(Odor, rules, "白天异味").RuleId, Is.EqualTo(3));
            Assert.That(Route(River, rules, "白天河水发黑").Basis, Is.EqualTo(RoutingBasis.CategoryDefault));
        });
    }

    [Test]
    public void On_equal_positions_the_older_rule_wins()
    {
        RoutingRule[] rules = [Rule(9, 1, "approval", group: "air"), Rule(4, 1, "monitoring", group: "air")];
        Assert.That(Route(Odor, rules).RuleId, Is.EqualTo(4));
    }

    [Test]
    public void A_rule_pointing_at_a_section_that_no_longer_exists_is_skipped()
    {
        RoutingRule[] rules = [Rule(1, 1, "closed_section", group: "air"), Rule(2, 2, "monitoring", group: "air")];
        Assert.That(Route(Odor, rules).SectionCode, Is.EqualTo("monitoring"));
    }

    [Test]
    public void Conduct_complaints_go_to_discipline_inspection_whatever_the_rules_say()
    {
        RoutingRule[] rules =
        [
            Rule(1, 1, "enforcement", category: "conduct.misconduct"),
            Rule(2, 2, "office", group: "conduct"),
            Rule(3, 3, "enforcement", keywords: ["执法"]),
        ];
        Assert.That(Route(Misconduct, rules, "执法队员索要香烟"), Is.EqualTo(new RoutingDecision("discipline", RoutingBasis.Confidential)));
    }

    [Test]
    public void A_conduct_category_whose_default_points_elsewhere_still_goes_to_discipline_inspection()
    {
        var misfiled = Category("conduct.inaction", "office", confidential: true);
        Assert.That(Route(misfiled, []).SectionCode, Is.EqualTo("discipline"));
    }
}
