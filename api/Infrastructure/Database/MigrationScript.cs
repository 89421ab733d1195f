using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// One migration as this build ships it: its file name (the name DbUp journals it under) and its text.
/// </summary>
public sealed record MigrationScript(string Name, string Contents)
{
    /// <summary>
    /// SHA-256 of the text with line endings normalised (CRLF and lone CR read as LF), as lowercase
    /// hex: a checkout that turned LF into CRLF ships the same migration, not an edited one.
    /// </summary>
    public string Sha256 => Checksum(Contents);

    public static string Checksum(string contents)
    {
        var normalised = contents.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }

    /// <summary>db/migrations/*.sql, embedded in the API's assembly under their file names, in name order.</summary>
    public static IReadOnlyList<MigrationScript> Embedded { get; } = LoadEmbedded(typeof(MigrationScript).Assembly);

    private static MigrationScript[] LoadEmbedded(Assembly assembly) => assembly.GetManifestResourceNames()
        .Where(name => name.EndsWith(".sql", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(name =>
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            // As DbUp reads embedded scripts: UTF-8, a byte order mark dropped.
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return new MigrationScript(name, reader.ReadToEnd());
        })
        .ToArray();
}

/// <summary>
/// The migrator refused to start: migrations already applied to this database differ from the ones
/// this build ships. The message says which and what to do; nothing was applied.
/// </summary>
public sealed class MigrationHistoryChangedException(IReadOnlyList<string> scripts, string message) : Exception(message)
{
    public IReadOnlyList<string> Scripts { get; } = scripts;
}
