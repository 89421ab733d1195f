using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Database;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Feedback.Tests.Integration;

public sealed class CategoryCatalogTests : IntegrationTest
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Test]
    public async Task An_edit_is_seen_once_the_copy_is_older_than_its_maximum_age()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-11-26T08:00:00Z"));
        var catalog = new CategoryCatalog(App.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), clock, NullLogger<CategoryCatalog>.Instance);
        await catalog.LoadAsync();
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        try
        {
            await connection.ExecuteAsync("update categories set active = false where code = 'air.burning'");

            clock.Now += CategoryCatalog.MaxAge - TimeSpan.FromSeconds(1);
            Assert.That(await catalog.FindActiveCategoryAsync("air.burning"), Is.Not.Null, "still within its maximum age");

            clock.Now += TimeSpan.FromSeconds(1);
            await catalog.FindActiveCategoryAsync("air.burning"); // stale: answers from the copy, reloads in the background
            var seen = await catalog.FindActiveCategoryAsync("air.burning");
            for (var attempt = 0; attempt < 50 && seen is not null; attempt++)
            {
                await Task.Delay(20);
                seen = await catalog.FindActiveCategoryAsync("air.burning");
            }
            Assert.Multiple(async () =>
            {
                Assert.That(seen, Is.Null, "a retired category can no longer be chosen");
                Assert.That((await catalog.GetCategoryAsync("air.burning")).NameZh, Is.EqualTo("露天焚烧"), "old cases keep their category");
            });
        }
        finally
        {
            await connection.ExecuteAsync("update categories set active = true where code = 'air.burning'");
        }
    }
}
