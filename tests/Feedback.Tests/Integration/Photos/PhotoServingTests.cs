using System.Net.Http.Headers;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Photos;

public sealed class PhotoServingTests : PhotoTest
{
    private static async Task<HttpResponseMessage> GetStaffPhotoAsync(HttpClient staff, string code, Guid photoId) =>
        await staff.GetAsync($"/api/v1/staff/complaints/{code}/photos/{photoId}");

    private static void AssertPhotoHeaders(HttpResponseMessage response, Guid id, string mediaType)
    {
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(mediaType));
            Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
            Assert.That(response.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("inline"));
            Assert.That(response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), Is.EqualTo($"photo-{id:N}.{(mediaType == "image/png" ? "png" : "jpg")}"));
            Assert.That(response.Headers.CacheControl?.Private, Is.True);
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        });
    }

    [Test]
    public async Task The_citizen_gets_the_photo_with_safe_headers()
    {
        var id = await UploadOkAsync(TestImages.Png());
        var (code, password) = await SubmitWithPhotosOkAsync([id]);
        using var response = await GetCitizenPhotoAsync(code, password, id);
        AssertPhotoHeaders(response, id, "image/png");
        var stored = await StoredBytesAsync(id);
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(stored));
    }

    [Test]
    public async Task A_wrong_or_missing_password_and_another_cases_photo_are_404()
    {
        var mine = await UploadOkAsync();
        var theirs = await UploadOkAsync(device: OtherDevice);
        var waiting = await UploadOkAsync();
        var (code, password) = await SubmitWithPhotosOkAsync([mine]);
        var (otherCode, otherPassword) = await SubmitWithPhotosOkAsync([theirs], device: OtherDevice);

        foreach (var (c, p, id) in new (string, string?, Guid)[]
                 {
                     (code, otherPassword, mine), (code, null, mine), ("23456789ABCD", password, mine),
                     (code, password, theirs), (code, password, waiting), (code, password, Guid.NewGuid()),
                 })
        {
            using var response = await GetCitizenPhotoAsync(c, p, id);
            await AssertProblemAsync(response, 404);
        }
        using var ok = await GetCitizenPhotoAsync(otherCode, otherPassword, theirs);
        Assert.That((int)ok.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task Staff_of_the_handling_section_see_the_photos_and_others_get_404()
    {
        var id = await UploadOkAsync();
        var (code, _) = await SubmitWithPhotosOkAsync([id]); // air.odor → enforcement brigade
        var otherId = await UploadOkAsync();
        var (otherCode, _) = await SubmitWithPhotosOkAsync([otherId]);

        using var clerk = await StaffAsync("enforcement.staff");
        using var elsewhere = await StaffAsync("monitoring.staff");
        using var leader = await StaffAsync("leader");

        var (detail, _) = await GetCaseAsync(clerk, code);
        using var own = await GetStaffPhotoAsync(clerk, code, id);
        using var byLeader = await GetStaffPhotoAsync(leader, code, id);
        using var otherSection = await GetStaffPhotoAsync(elsewhere, code, id);
        using var wrongCase = await GetStaffPhotoAsync(clerk, code, otherId);
        using var anonymous = await Client.GetAsync($"/api/v1/staff/complaints/{code}/photos/{id}");

        Assert.That(detail["photos"]!.AsArray().Select(p => (string?)p!["id"]), Is.EqualTo(new[] { id.ToString() }));
        AssertPhotoHeaders(own, id, "image/jpeg");
        Assert.That((int)byLeader.StatusCode, Is.EqualTo(200));
        await AssertProblemAsync(otherSection, 404);
        await AssertProblemAsync(wrongCase, 404);
        await AssertProblemAsync(anonymous, 401);
        Assert.That(await CountAsync("audit_log where action = 'complaint.photo' and outcome = 'denied'"), Is.EqualTo(1),
            "the other section's attempt is audited");
    }

    [Test]
    public async Task A_conduct_cases_photos_are_for_discipline_inspection_and_leaders_only()
    {
        var id = await UploadOkAsync();
        var (code, _) = await SubmitWithPhotosOkAsync([id], categoryCode: "conduct.misconduct");

        var answers = new Dictionary<string, int>();
        foreach (var account in new[] { "enforcement", "enforcement.staff", "office", "discipline", "leader" })
        {
            using var staff = await StaffAsync(account);
            using var response = await GetStaffPhotoAsync(staff, code, id);
            answers[account] = (int)response.StatusCode;
        }
        Assert.That(answers, Is.EqualTo(new Dictionary<string, int>
        {
            ["enforcement"] = 404, ["enforcement.staff"] = 404, ["office"] = 404, ["discipline"] = 200, ["leader"] = 200,
        }));
    }

    [Test]
    public async Task Photos_are_only_listed_behind_the_password_or_a_sign_in()
    {
        var id = await UploadOkAsync();
        var (code, _) = await SubmitWithPhotosOkAsync([id]);
        using var track = await TrackAsync(code, "WRONGPASSWD2");
        var text = await track.Content.ReadAsStringAsync();
        Assert.That(text, Does.Not.Contain(id.ToString()));
    }
}
