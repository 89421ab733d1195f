using System.Security.Cryptography;
using System.Text;

namespace Feedback.Api.Infrastructure.Security;

/// <summary>
/// Stores query passwords as "v1$salt$SHA-256(salt‖password)". The passwords are server-generated
/// with 59 random bits, so — like API tokens — a salted fast hash resists offline guessing (about
/// 2^59 hashes per case) while keeping lookups cheap; a slow KDF is for human-chosen passwords.
/// Online guessing is limited by attempt counting, not by hash cost.
/// </summary>
public static class QueryPasswordHash
{
    private const string Version = "v1";
    private const int SaltBytes = 16;

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return $"{Version}${Convert.ToBase64String(salt)}${Convert.ToBase64String(Digest(salt, password))}";
    }

    public static bool Verify(string? password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not [Version, var saltText, var hashText] || password is null) return false;
        var expected = Convert.FromBase64String(hashText);
        return CryptographicOperations.FixedTimeEquals(expected, Digest(Convert.FromBase64String(saltText), password));
    }

    private static byte[] Digest(byte[] salt, string password)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var input = new byte[salt.Length + passwordBytes.Length];
        salt.CopyTo(input, 0);
        passwordBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
