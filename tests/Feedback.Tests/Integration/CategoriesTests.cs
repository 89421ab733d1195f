using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration;

public sealed class CategoriesTests : IntegrationTest
{
    [Test]
    public async Task Lists_every_category_in_Chinese_by_default()
    {
        var categories = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!;
        var odor = categories!.Single(c => (string?)c!["code"] == "air.odor")!;

        Assert.Multiple(() =>
        {
            Assert.That(categories.Select(c => (string?)c!["code"]), Is.SupersetOf(AllCodes));
            Assert.That((string?)odor["group"], Is.EqualTo("air"));
            Assert.That((string?)odor["groupName"], Is.EqualTo("大气污染"));
            Assert.That((string?)odor["name"], Is.EqualTo("异味臭气"));
            Assert.That((string?)odor["description"], Does.Contain("气味"));
            Assert.That((int?)odor["acceptWithinDays"], Is.EqualTo(2));
            Assert.That((int?)odor["resolveWithinDays"], Is.EqualTo(15));
        });
    }

    [Test]
    public async Task Speaks_English_when_asked()
    {
        using var english = App.CreateHttpClient("en-US,en;q=0.9");
        var categories = (await english.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!;
        var odor = categories!.Single(c => (string?)c!["code"] == "air.odor")!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)odor["name"], Is.EqualTo("Odours"));
            Assert.That((string?)odor["groupName"], Is.EqualTo("Air pollution"));
        });
    }

    [Test]
    public async Task Only_conduct_categories_are_confidential()
    {
        var categories = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!;
        var confidential = categories!.Where(c => (bool)c!["confidential"]!).Select(c => (string?)c!["code"]);
        Assert.That(confidential, Is.EquivalentTo(AllCodes.Where(code => code.StartsWith("conduct."))));
    }

    [Test]
    public async Task Categories_are_grouped_for_display()
    {
        var groups = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!.Select(c => (string?)c!["group"]).ToList();
        // Each group appears as one contiguous run, so a client can render it as one <optgroup>.
        var runs = groups.Where((group, i) => i == 0 || groups[i - 1] != group).ToList();
        Assert.That(runs, Is.Unique);
    }

    [Test]
    public async Task Seeded_categories_route_to_their_default_sections()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var routes = (await connection.QueryAsync<(string Code, string Section)>(
            "select code, default_section_code from categories")).ToDictionary(r => r.Code, r => r.Section);

        var expected = AllCodes.ToDictionary(code => code, code => code switch
        {
            "air.vehicle" => "pollution",
            "other" or "suggestion" => "office",
            _ when code.StartsWith("conduct.") => "discipline",
            _ => "enforcement",
        });
        Assert.That(routes, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Reference_data_may_be_cached_per_language()
    {
        using var response = await Client.GetAsync("/api/v1/categories");
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.CacheControl?.Public, Is.True);
            Assert.That(response.Headers.Vary, Does.Contain("Accept-Language"));
        });
    }

    private static readonly string[] AllCodes =
    [
        "water.industrial", "water.river", "water.drinking", "air.industrial", "air.odor", "air.dust", "air.burning",
        "noise.industrial", "noise.construction", "noise.social", "waste.solid", "ecology", "radiation", "air.vehicle",
        "other", "suggestion", "conduct.formalism", "conduct.bureaucratism", "conduct.hedonism", "conduct.extravagance",
        "conduct.misconduct", "conduct.enforcement", "conduct.inaction",
    ];
}
