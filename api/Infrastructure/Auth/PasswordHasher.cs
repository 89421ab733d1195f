using System.Security.Cryptography;
using System.Text;

namespace Feedback.Api.Infrastructure.Auth;

/// <summary>
/// Staff passwords as PBKDF2-SHA512 with 210,000 iterations (OWASP's 2023 figure), stored as
/// "pbkdf2-sha512$iterations$salt$hash" so the count can be raised later without locking anyone out.
/// </summary>
public static class PasswordHasher
{
    public const int Iterations = 210_000;
    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public const int MinLength = 8;
    public const int MaxLength = 128;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not [Scheme, var iterationText, var saltText, var hashText] || !int.TryParse(iterationText, out var iterations))
            return false;
        var expected = Convert.FromBase64String(hashText);
        return CryptographicOperations.FixedTimeEquals(Derive(password, Convert.FromBase64String(saltText), iterations), expected);
    }

    /// <summary>A hash to verify against when the user does not exist, so both answers take as long.</summary>
    public static readonly string Decoy = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
}
