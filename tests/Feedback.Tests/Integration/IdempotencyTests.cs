using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration;

/// <summary>POST /complaints with an Idempotency-Key: a retry never files a second case.</summary>
public sealed class IdempotencyTests : IntegrationTest
{
    private async Task<HttpResponseMessage> PostAsync(string? key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await Client.SendAsync(request);
    }

    [Test]
    public async Task The_same_key_and_body_return_the_original_201_and_create_nothing()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(key, ValidComplaint());
        using var retry = await PostAsync(key, ValidComplaint());
        var original = await ReadJsonAsync(first);
        var replayed = await ReadJsonAsync(retry);

        using var track = await TrackAsync((string)replayed["trackingCode"]!, (string)replayed["queryPassword"]!);
        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(replayed.ToJsonString(), Is.EqualTo(original.ToJsonString()), "the same body, password included");
            Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
            Assert.That(retry.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
            Assert.That(first.Headers.Contains("Idempotent-Replayed"), Is.False);
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
            Assert.That(await CountAsync("complaint_events"), Is.EqualTo(2), "submitted + routed, once");
            Assert.That(track.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the replayed password opens the case");
        });
    }

    [Test]
    public async Task Spacing_and_property_order_do_not_make_a_different_body()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await PostRawAsync(key, """{"categoryCode":"air.odor","description":"夜里有刺鼻气味"}""");
        using var retry = await PostRawAsync(key, """{ "description" : "夜里有刺鼻气味",  "categoryCode" : "air.odor" }""");
        Assert.Multiple(async () =>
        {
            Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((string?)(await ReadJsonAsync(retry))["trackingCode"], Is.EqualTo((string?)(await ReadJsonAsync(first))["trackingCode"]));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
        });
    }

    private async Task<HttpResponseMessage> PostRawAsync(string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await Client.SendAsync(request);
    }

    [Test]
    public async Task The_same_key_with_another_body_is_a_422_and_stores_nothing()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(key, ValidComplaint());
        using var other = await PostAsync(key, ValidComplaint("air.dust"));
        var problem = await AssertProblemAsync(other, 422);
        Assert.Multiple(async () =>
        {
            Assert.That((string?)problem["title"], Does.Contain("Idempotency-Key"));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Concurrent_first_attempts_with_one_key_file_one_case_and_every_replay_says_so()
    {
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync(key, ValidComplaint())));
        var codes = new List<string?>();
        var replayed = 0;
        foreach (var response in responses)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            codes.Add((string?)(await ReadJsonAsync(response))["trackingCode"]);
            if (response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.SequenceEqual(["true"])) replayed++;
            response.Dispose();
        }
        Assert.Multiple(async () =>
        {
            Assert.That(replayed, Is.EqualTo(9), "the one that filed says nothing; each of the nine others is a replay");
            Assert.That(codes.Distinct().Count(), Is.EqualTo(1));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
            Assert.That(await CountAsync("idempotency_keys"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Without_a_key_every_post_is_a_new_case()
    {
        (await PostAsync(null, ValidComplaint())).Dispose();
        (await PostAsync(null, ValidComplaint())).Dispose();
        Assert.That(await CountAsync("complaints"), Is.EqualTo(2));
        Assert.That(await CountAsync("idempotency_keys"), Is.Zero);
    }

    [TestCase("short")]
    [TestCase("")]
    [TestCase("a key with spaces in it")]
    public async Task A_malformed_key_is_a_400_and_stores_nothing(string key)
    {
        using var response = await PostAsync(key, ValidComplaint());
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(async () =>
        {
            Assert.That((string?)problem["title"], Does.Contain("Idempotency-Key"));
            Assert.That(await CountAsync("complaints"), Is.Zero);
        });
    }

    [Test]
    public async Task A_key_is_honoured_for_a_day_then_housekeeping_forgets_it()
    {
        var key = Guid.NewGuid().ToString();
        var original = await ReadJsonAsync(await PostAsync(key, ValidComplaint()));
        await ExecuteAsync("update idempotency_keys set created_at = now() - interval '25 hours'");

        var housekeeping = App.Services.GetRequiredService<Feedback.Api.Features.Housekeeping.Housekeeping>();
        var round = await housekeeping.RunOnceAsync(CancellationToken.None);
        using var later = await PostAsync(key, ValidComplaint());
        var filedAgain = await ReadJsonAsync(later);

        Assert.Multiple(async () =>
        {
            Assert.That(round.IdempotencyKeysForgotten, Is.EqualTo(1));
            Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((string?)filedAgain["trackingCode"], Is.Not.EqualTo((string?)original["trackingCode"]));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task The_stored_row_holds_neither_the_key_nor_the_password()
    {
        var key = Guid.NewGuid().ToString();
        var filed = await ReadJsonAsync(await PostAsync(key, ValidComplaint()));
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select encode(key_hash, 'escape') || response::text from idempotency_keys", connection);
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.That(stored, Does.Not.Contain(key).And.Not.Contain((string)filed["queryPassword"]!));
    }
}
