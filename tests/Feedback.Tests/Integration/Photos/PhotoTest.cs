using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Integration.Staff;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Photos;

/// <summary>Uploads, submissions with photos, and a look at what is stored (rows and bytes).</summary>
public abstract class PhotoTest : IntegrationTest
{
    protected const string Device = "device-token-AAAAAAAAAAAAAAAAAAAAAAAA";
    protected const string OtherDevice = "device-token-BBBBBBBBBBBBBBBBBBBBBBBB";

    /// <summary>Photos whose bytes are stored.</summary>
    protected static Task<long> StoredContentCountAsync() => CountAsync("photo_contents");

    /// <summary>The bytes stored for a photo.</summary>
    protected static Task<byte[]> StoredBytesAsync(Guid id) =>
        StaffSecurity.ScalarAsync<byte[]>($"select content from photo_contents where photo_id = '{id}'");

    protected static MultipartFormDataContent Form(byte[] bytes, string fileName = "photo.jpg", string contentType = "image/jpeg")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    protected Task<HttpResponseMessage> UploadAsync(byte[] bytes, string fileName = "photo.jpg", string contentType = "image/jpeg", string? device = Device) =>
        SendUploadAsync(Form(bytes, fileName, contentType), device);

    protected async Task<HttpResponseMessage> SendUploadAsync(HttpContent content, string? device = Device)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads") { Content = content };
        if (device is not null) request.Headers.Add("X-Device-Token", device);
        return await Client.SendAsync(request);
    }

    protected async Task<Guid> UploadOkAsync(byte[]? bytes = null, string device = Device)
    {
        using var response = await UploadAsync(bytes ?? TestImages.Jpeg(), device: device);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        return Guid.Parse((string)JsonNode.Parse(body)!["uploadId"]!);
    }

    protected static object ComplaintWith(IEnumerable<Guid> photoIds, string categoryCode = "air.odor") => new
    {
        categoryCode,
        description = "小区东侧化工厂每天夜里排放刺鼻废气，已持续一周。",
        township = "剡湖街道",
        photoIds = photoIds.ToArray(),
    };

    protected async Task<HttpResponseMessage> SubmitWithPhotosAsync(IEnumerable<Guid> photoIds, string? device = Device, string categoryCode = "air.odor")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = JsonContent.Create(ComplaintWith(photoIds, categoryCode)) };
        if (device is not null) request.Headers.Add("X-Device-Token", device);
        return await Client.SendAsync(request);
    }

    /// <summary>Submits a complaint with the given photos; returns its tracking code and password.</summary>
    protected async Task<(string Code, string Password)> SubmitWithPhotosOkAsync(IEnumerable<Guid> photoIds, string device = Device, string categoryCode = "air.odor")
    {
        using var response = await SubmitWithPhotosAsync(photoIds, device, categoryCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        var json = JsonNode.Parse(body)!;
        return ((string)json["trackingCode"]!, (string)json["queryPassword"]!);
    }

    protected async Task<HttpResponseMessage> GetCitizenPhotoAsync(string code, string? password, Guid photoId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{code}/photos/{photoId}");
        if (password is not null) request.Headers.Add("X-Query-Password", password);
        return await Client.SendAsync(request);
    }

    protected async Task<byte[]> GetCitizenPhotoBytesAsync(string code, string password, Guid photoId)
    {
        using var response = await GetCitizenPhotoAsync(code, password, photoId);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }

    protected async Task<HttpResponseMessage> SupplementAsync(string code, string? password, object body, string? device = Device)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{code}/supplements") { Content = JsonContent.Create(body) };
        if (password is not null) request.Headers.Add("X-Query-Password", password);
        if (device is not null) request.Headers.Add("X-Device-Token", device);
        return await Client.SendAsync(request);
    }

    /// <summary>Photos attached to some case / waiting for one.</summary>
    protected static async Task<(long Attached, long Unattached)> PhotoRowsAsync() =>
        (await CountAsync("photos where complaint_id is not null"), await CountAsync("photos where complaint_id is null"));

    protected static async Task<JsonArray> TrackedPhotosAsync(HttpClient client, string code, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{code}");
        request.Headers.Add("X-Query-Password", password);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return JsonNode.Parse(body)!["photos"]!.AsArray();
    }
}
