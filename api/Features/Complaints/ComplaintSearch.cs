using System.Globalization;
using System.Text;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// Chinese full-text search without a Chinese parser: text is cut into overlapping character
/// bigrams (偷排污水 → 偷排 排污 污水), the classic CJK approach, so every two-character word is
/// an indexed lexeme. The last character of each run is also kept alone, so a one-character
/// query matches as a prefix anywhere. Latin words and numbers are lower-cased words. The lexemes
/// go straight into a tsvector (array_to_tsvector), bypassing PostgreSQL's parser.
/// </summary>
public static class ComplaintSearch
{
    private const int MaxWordLength = 64;

    /// <summary>The distinct lexemes of the texts, for complaints.search_vector.</summary>
    public static string[] Lexemes(params string?[] texts)
    {
        var lexemes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
            if (text is not null)
                foreach (var (token, _) in Tokens(text, forQuery: false)) lexemes.Add(token);
        return [.. lexemes];
    }

    /// <summary>
    /// A tsquery (in PostgreSQL's text form) that every lexeme of the search text must match, or
    /// null when the text has nothing searchable. Single characters and Latin words match as prefixes.
    /// </summary>
    public static string? Query(string text)
    {
        var terms = Tokens(text, forQuery: true)
            .Select(t => $"'{t.Token.Replace("'", "''", StringComparison.Ordinal)}'{(t.Prefix ? ":*" : "")}")
            .Distinct()
            .Take(32)
            .ToList();
        return terms.Count == 0 ? null : string.Join(" & ", terms);
    }

    private static IEnumerable<(string Token, bool Prefix)> Tokens(string text, bool forQuery)
    {
        var run = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsIdeographic(rune))
            {
                foreach (var token in FlushWord(word)) yield return token;
                run.Add(rune.ToString());
            }
            else if (Rune.IsLetterOrDigit(rune))
            {
                foreach (var token in FlushRun(run, forQuery)) yield return token;
                if (word.Length < MaxWordLength) word.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else
            {
                foreach (var token in FlushRun(run, forQuery)) yield return token;
                foreach (var token in FlushWord(word)) yield return token;
            }
        }
        foreach (var token in FlushRun(run, forQuery)) yield return token;
        foreach (var token in FlushWord(word)) yield return token;
    }

    private static IEnumerable<(string, bool)> FlushRun(List<string> run, bool forQuery)
    {
        if (run.Count == 0) yield break;
        for (var i = 0; i + 1 < run.Count; i++) yield return (run[i] + run[i + 1], false);
        // A document keeps each run's last character alone, so a one-character query (a prefix)
        // finds it at the end of a run too; a longer query needs only its bigrams.
        if (run.Count == 1 || !forQuery) yield return (run[^1], forQuery);
        run.Clear();
    }

    private static IEnumerable<(string, bool)> FlushWord(StringBuilder word)
    {
        if (word.Length == 0) yield break;
        yield return (word.ToString(), true);
        word.Clear();
    }

    private static bool IsIdeographic(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherLetter && rune.Value is >= 0x2E80 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF or >= 0x20000 and <= 0x3FFFF;
}
