using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// GeoReport v2's service discovery, service list and service definitions, from the category
/// catalog: a service per public category (conduct categories never appear), its guided questions
/// as attributes, names in the language asked for.
/// </summary>
public static class Open311Services
{
    public const string Specification = "http://wiki.open311.org/GeoReport_v2";

    /// <summary>When this server's GeoReport interface last changed.</summary>
    public const string Changeset = "2026-12-06T00:00:00+08:00";

    public static Open311Value Discovery(string url) => new Open311Value.Object([
        ("changeset", Changeset),
        ("contact", Lang.Pick("12369 环保举报热线；接口问题请联系本局信息化管理员", "The 12369 environmental hotline; for the interface, the bureau's IT administrator")),
        ("key_service", Lang.Pick("向本局系统管理员申请 API 密钥（工作台 › Open311 密钥）", "Ask the bureau's system administrator for an API key (console › Open311 keys)")),
        ("endpoints", new Open311Value.List("endpoint", [
            new Open311Value.Object([
                ("specification", Specification),
                ("url", url),
                ("changeset", Changeset),
                ("type", "production"),
                ("formats", new Open311Value.List("format", ["text/xml", "application/json"])),
            ]),
        ])),
    ]);

    /// <summary>The public categories open for new complaints, in display order.</summary>
    public static async ValueTask<IReadOnlyList<CategoryCatalog.Category>> PublicAsync(CategoryCatalog catalog) =>
        (await catalog.ListActiveAsync()).Where(category => !category.Confidential).ToList();

    /// <summary>Every category whose cases GeoReport may show: all but conduct, retired ones included (their cases stay readable).</summary>
    public static async ValueTask<string[]> ReadableCategoryCodesAsync(CategoryCatalog catalog) =>
        (await catalog.ListAllCategoriesAsync()).Where(category => !category.Confidential).Select(category => category.Code).ToArray();

    public static Open311Value List(IEnumerable<CategoryCatalog.Category> categories) => new Open311Value.List("service", categories.Select(category =>
        (Open311Value)new Open311Value.Object([
            ("service_code", category.Code),
            ("service_name", Lang.Pick(category.NameZh, category.NameEn)),
            ("description", Lang.Pick(category.DescriptionZh, category.DescriptionEn)),
            ("metadata", category.Questions.Count > 0),
            ("type", "realtime"),
            ("keywords", string.Join(",", new[] { Lang.Pick(category.GroupNameZh, category.GroupNameEn), Lang.Pick(category.NameZh, category.NameEn) })),
            ("group", Lang.Pick(category.GroupNameZh, category.GroupNameEn)),
        ])).ToList());

    /// <summary>
    /// The category's questions as attributes: a choice is a singlevaluelist with its values, a
    /// short text a string, a long one (over 200 characters allowed) text; orders 1, 2, 3… as asked.
    /// </summary>
    public static Open311Value Definition(CategoryCatalog.Category category) => new Open311Value.Object([
        ("service_code", category.Code),
        ("attributes", new Open311Value.List("attribute", category.Questions.Select((question, index) =>
        {
            var choice = question.Kind == QuestionKind.Choice;
            List<(string, Open311Value?)> fields =
            [
                ("variable", true),
                ("code", question.Key),
                ("datatype", choice ? "singlevaluelist" : question.TextLimit > CategoryQuestion.DefaultMaxLength ? "text" : "string"),
                ("required", question.Required),
                ("datatype_description", choice
                    ? Lang.Pick("从列表中选择一项，传其 key", "One of the values' keys")
                    : Lang.Pick($"文字，最多 {question.TextLimit} 个字", $"Text, at most {question.TextLimit} characters")),
                ("order", index + 1),
                ("description", Lang.Pick(question.LabelZh, question.LabelEn)),
            ];
            if (choice)
                fields.Add(("values", new Open311Value.List("value", (question.Options ?? []).Select(option =>
                    (Open311Value)new Open311Value.Object([("key", option.Value), ("name", Lang.Pick(option.Zh, option.En))])).ToList())));
            return (Open311Value)new Open311Value.Object(fields);
        }).ToList())),
    ]);
}
