using System.Security.Cryptography;

namespace Feedback.Api.Infrastructure.Security;

/// <summary>
/// Random codes citizens read, type and say on the phone: tracking codes and query passwords.
/// 12 characters from a 31-symbol alphabet without look-alikes (0/O, 1/I/L) carry 59 random bits.
/// Input is forgiving: lower case, spaces and hyphens are accepted and normalised.
/// </summary>
public static class SecretCode
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int Length = 12;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>
    /// A code drawn from a secret instead of at random: the same secret always gives the same code.
    /// Bytes of HMAC-SHA256(secret, label‖counter) below 248 (8 × 31) are taken modulo 31, so every
    /// symbol is equally likely; the rest are skipped.
    /// </summary>
    public static string Derive(ReadOnlySpan<byte> secret, string label)
    {
        Span<char> code = stackalloc char[Length];
        var count = 0;
        for (var counter = 0; count < Length; counter++)
            foreach (var b in HMACSHA256.HashData(secret, System.Text.Encoding.UTF8.GetBytes($"{label}:{counter}")))
            {
                if (b >= 248) continue;
                code[count++] = Alphabet[b % Alphabet.Length];
                if (count == Length) break;
            }
        return new string(code);
    }

    /// <summary>The canonical form of what a person typed, or null when it cannot be a code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 64) return null;
        Span<char> buffer = stackalloc char[Length];
        var count = 0;
        foreach (var c in typed)
        {
            if (c is ' ' or '-') continue;
            var upper = char.ToUpperInvariant(c);
            if (count == Length || !Alphabet.Contains(upper)) return null;
            buffer[count++] = upper;
        }
        return count == Length ? new string(buffer) : null;
    }
}
