using Dapper;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure.Database;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// How common a search's words are, from PostgreSQL's own statistics of complaints.search_vector:
/// ANALYZE keeps the bigrams found in a sample of the cases often enough (at default settings, in
/// about 1.5% of them or more) with the share of cases holding each (pg_stats.most_common_elems).
/// The queue asks which way to read a search that a walk in its order could not answer (ListQueue).
/// Read again when older than 10 minutes; the statistics change only when the table is analysed.
/// </summary>
public sealed class WordFrequencies(ReadDatabase database, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private sealed record Snapshot(IReadOnlyDictionary<string, float> Shares, double Cases, DateTimeOffset ReadAt);

    private volatile Snapshot? _snapshot;

    /// <summary>
    /// How many cases hold every term, at most, by the statistics: the cases the table held when last
    /// analysed times the smallest share among the terms. A bigram the statistics do not list is rarer
    /// than all they list, so 0; a prefix (one character, a Latin word) may stand for many bigrams, so
    /// every case.
    /// </summary>
    public async Task<double> EstimatedMatchesAsync(IReadOnlyList<ComplaintSearch.Term> terms, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is null || time.GetUtcNow() - snapshot.ReadAt > MaxAge) snapshot = await LoadAsync(cancellationToken);
        return snapshot.Cases * terms.Min(t => t.Prefix ? 1.0 : snapshot.Shares.GetValueOrDefault(t.Lexeme));
    }

    /// <summary>Reads the statistics now (tests call it after ANALYZE).</summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // most_common_elem_freqs ends with three more numbers (the least and greatest share, the share
        // of nulls) after one share per lexeme: unnest pads the lexemes with nulls there.
        var shares = (await connection.QueryAsync<(string Lexeme, float Share)>(new CommandDefinition(
            """
            select u.lexeme, u.share
            from pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as u(lexeme, share)
            where s.schemaname = current_schema() and s.tablename = 'complaints' and s.attname = 'search_vector'
              and u.lexeme is not null
            """, cancellationToken: cancellationToken))).ToDictionary(r => r.Lexeme, r => r.Share, StringComparer.Ordinal);
        // -1 until the table is first analysed.
        var cases = await connection.ExecuteScalarAsync<float>(new CommandDefinition(
            "select reltuples from pg_class where oid = 'complaints'::regclass", cancellationToken: cancellationToken));
        var snapshot = new Snapshot(shares, Math.Max(cases, 0), time.GetUtcNow());
        _snapshot = snapshot;
        return snapshot;
    }
}
