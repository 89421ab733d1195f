using System.Security.Cryptography;
using System.Text;

namespace Feedback.Api.Infrastructure.Security;

/// <summary>
/// The X-Device-Token header: a random string the web client draws once and keeps in the browser.
/// It ties an upload to the device that sent it and counts one "me too" per device. Only its
/// SHA-256 is stored, so the database cannot be used to act as that device.
/// </summary>
public static class DeviceToken
{
    public const string Header = "X-Device-Token";

    /// <summary>22–128 characters of A–Z, a–z, 0–9, '-' and '_' (at least 128 bits when drawn at random).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: >= 22 and <= 128 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The stored form; null when the header is missing or malformed.</summary>
    public static byte[]? Hash(string? token) =>
        IsWellFormed(token) ? SHA256.HashData(Encoding.ASCII.GetBytes(token!)) : null;
}
