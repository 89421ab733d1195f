using Feedback.Api.Features.Categories;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

using Feedback.Tests.Support;

namespace Feedback.Tests;

/// <summary>
/// One PostgreSQL cluster and one running API (real Kestrel, real HTTP) for the whole run; every
/// integration test starts from the migrated, seeded database with no complaints in it.
/// </summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    public static PostgresCluster Database { get; private set; } = null!;
    public static FeedbackApp App { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Database = await PostgresCluster.StartAsync();
        App = new FeedbackApp(Database.ConnectionString, migrationConnectionString: Database.MigrationConnectionString);
        App.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
    }

    /// <summary>
    /// Removes every complaint, audit entry, routing rule and notification, and staff's notification
    /// settings (accounts and their sessions stay).
    /// The timeline and the audit log refuse TRUNCATE by trigger, so this runs with triggers off
    /// (session_replication_role = replica), which only a superuser may set.
    /// </summary>
    public static async Task ResetDataAsync()
    {
        // Tallies of repeated refusals from the previous test are written (then emptied with the log).
        await App.Services.GetRequiredService<Feedback.Api.Infrastructure.Audit.RepeatedRefusals>().FlushAsync(everything: true, CancellationToken.None);
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        // The tables in the order the API's own transactions lock them (a case, its events, its
        // messages, their attempts), so a background round of an instance a fixture has just
        // started rarely deadlocks with this; when it does, PostgreSQL rolls one side back, and
        // this side tries again.
        await using var command = new NpgsqlCommand(
            """
            set session_replication_role = replica;
            truncate complaints, complaint_events, notifications, notification_attempts, published_cases, complaint_supports, photos, idempotency_keys,
                     password_guesses, password_guess_totals, audit_log, routing_rules, staff_notification_preferences,
                     open311_requests, open311_keys, photo_contents, rate_limit_windows restart identity;
            update staff_users set email = null, digest_hour = 8 where email is not null or digest_hour <> 8;
            """, connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync();
                break;
            }
            catch (PostgresException deadlock) when (deadlock.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5) { }
        }
        await App.Services.GetRequiredService<CategoryCatalog>().ReloadAfterEditAsync();
    }
}
