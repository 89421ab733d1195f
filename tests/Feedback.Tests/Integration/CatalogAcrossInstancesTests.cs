using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>
/// An administrator's edit on one instance reaches another instance's catalog when it commits,
/// not when that instance's copy ages: the second instance's clock is stopped, so its copy never
/// ages, and only the database's notice can make it reload.
/// </summary>
[NonParallelizable]
public sealed class CatalogAcrossInstancesTests : IntegrationTest
{
    [Test]
    public async Task A_category_renamed_on_one_instance_is_renamed_on_another_at_once()
    {
        await using var other = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(DateTimeOffset.UtcNow));
        using var otherClient = other.CreateHttpClient("en");
        async Task<string> NameOnOtherAsync() =>
            (string)(await otherClient.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!.Single(c => (string)c!["code"]! == "radiation")!["name"]!;
        var original = await NameOnOtherAsync();

        using var admin = await StaffLogin.ClientAsync("admin");
        var settings = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/categories"))!.Single(c => (string)c!["code"]! == "radiation")!;
        async Task RenameAsync(string nameEn)
        {
            using var saved = await admin.PutAsJsonAsync("/api/v1/admin/categories/radiation", new
            {
                nameZh = (string)settings["nameZh"]!, nameEn, acceptWithinDays = (int)settings["acceptWithinDays"]!, resolveWithinDays = (int)settings["resolveWithinDays"]!,
            });
            Assert.That((int)saved.StatusCode, Is.EqualTo(200), await saved.Content.ReadAsStringAsync());
        }

        try
        {
            await RenameAsync("Radiation (renamed)");
            // Polled, with a bound only so that a failure ends: the other instance's copy never ages.
            var seen = original;
            for (var attempt = 0; attempt < 300 && seen != "Radiation (renamed)"; attempt++)
            {
                await Task.Delay(100);
                seen = await NameOnOtherAsync();
            }
            Assert.That(seen, Is.EqualTo("Radiation (renamed)"));
        }
        finally
        {
            await RenameAsync((string)settings["nameEn"]!);
        }
    }
}
