using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Feedback.Api.Features.Notifications;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>
/// Email over STARTTLS and implicit TLS with authentication, to a real SMTP server whose
/// certificate comes from an authority of its own (FEEDBACK_SMTP_CA_FILE): the certificate is
/// checked, a wrong password is a failure to retry, and nothing goes out in clear.
/// </summary>
[NonParallelizable]
public sealed class SmtpSecurityTests
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "feedback-tests", "smtp-tls-" + Guid.NewGuid().ToString("N"));
    private static string AuthorityFile => Path.Combine(Folder, "authority.pem");
    private static string CertificateFile => Path.Combine(Folder, "server.pem");
    private static string KeyFile => Path.Combine(Folder, "server.key");

    [OneTimeSetUp]
    public void MakeCertificates()
    {
        Directory.CreateDirectory(Folder);
        var now = DateTimeOffset.UtcNow; // one instant: the server's validity must lie within the authority's
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest("CN=Feedback test authority", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(authority, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4]);

        File.WriteAllText(AuthorityFile, authority.ExportCertificatePem());
        File.WriteAllText(CertificateFile, server.ExportCertificatePem());
        File.WriteAllText(KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
    }

    [OneTimeTearDown]
    public void RemoveCertificates() => Directory.Delete(Folder, recursive: true);

    [SetUp]
    public Task ResetAsync() => TestEnvironment.ResetDataAsync();

    private static async Task<(string State, string? Error, int Mails)> SendOneAsync(SmtpTestServer smtp, Dictionary<string, string> settings)
    {
        await TestEnvironment.ResetDataAsync();
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, settings: new Dictionary<string, string>(settings)
        {
            ["FEEDBACK_SMTP_HOST"] = "127.0.0.1",
            ["FEEDBACK_SMTP_PORT"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FEEDBACK_SMTP_FROM"] = "Feedback <noreply@feedback.test>",
            ["FEEDBACK_PUBLIC_URL"] = "https://feedback.test",
        });
        app.StartServer();
        using var client = app.CreateHttpClient();
        using var submitted = await client.PostAsJsonAsync("/api/v1/complaints", new
        {
            categoryCode = "air.odor", description = "夜间异味", contact = new { email = "tls@example.cn" }, notifyBy = new[] { "email" },
        });
        Assert.That((int)submitted.StatusCode, Is.EqualTo(201));
        await app.Services.GetRequiredService<NotificationDispatcher>().DispatchDueAsync(CancellationToken.None);
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select state, last_error from notifications", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), smtp.Messages().Count);
    }

    [Test]
    public async Task StartTls_with_a_password_delivers_and_a_wrong_password_or_an_untrusted_certificate_is_a_failure_to_retry()
    {
        await using var smtp = await SmtpTestServer.StartAsync("--tls-cert", CertificateFile, "--tls-key", KeyFile, "--user", "feedback", "--password", "s3cret");
        var good = new Dictionary<string, string>
        {
            ["FEEDBACK_SMTP_TLS"] = "starttls", ["FEEDBACK_SMTP_USER"] = "feedback", ["FEEDBACK_SMTP_PASSWORD"] = "s3cret", ["FEEDBACK_SMTP_CA_FILE"] = AuthorityFile,
        };
        var sent = await SendOneAsync(smtp, good);
        Assert.That(sent, Is.EqualTo(("sent", (string?)null, 1)));

        var wrongPassword = await SendOneAsync(smtp, new(good) { ["FEEDBACK_SMTP_PASSWORD"] = "guess" });
        Assert.Multiple(() =>
        {
            Assert.That(wrongPassword.State, Is.EqualTo("pending"), "tried again later: an administrator may fix the password");
            Assert.That(wrongPassword.Error, Does.Contain("Authentication"));
            Assert.That(wrongPassword.Mails, Is.EqualTo(1), "nothing more arrived");
        });

        var untrusted = await SendOneAsync(smtp, new(good) { ["FEEDBACK_SMTP_CA_FILE"] = "" });
        Assert.Multiple(() =>
        {
            Assert.That(untrusted.State, Is.EqualTo("pending"));
            Assert.That(untrusted.Error, Does.Contain("certificate").IgnoreCase, "the server's certificate is checked");
            Assert.That(untrusted.Mails, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Implicit_tls_delivers_and_a_server_that_requires_tls_refuses_a_client_that_does_not_use_it()
    {
        await using (var implicitTls = await SmtpTestServer.StartAsync("--tls-cert", CertificateFile, "--tls-key", KeyFile, "--implicit-tls"))
        {
            var sent = await SendOneAsync(implicitTls, new() { ["FEEDBACK_SMTP_TLS"] = "tls", ["FEEDBACK_SMTP_CA_FILE"] = AuthorityFile });
            Assert.That(sent, Is.EqualTo(("sent", (string?)null, 1)));
        }
        await using var startTls = await SmtpTestServer.StartAsync("--tls-cert", CertificateFile, "--tls-key", KeyFile);
        var plain = await SendOneAsync(startTls, new() { ["FEEDBACK_SMTP_TLS"] = "none" });
        Assert.Multiple(() =>
        {
            Assert.That(plain.State, Is.EqualTo("pending"));
            Assert.That(plain.Mails, Is.Zero, "the server requires STARTTLS first");
        });
    }
}
