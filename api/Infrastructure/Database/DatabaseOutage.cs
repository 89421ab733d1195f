using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// Whether a failure means the database cannot be reached now — a 503 worth retrying — rather than
/// a statement it refused, which is a bug. With several hosts in the connection string (a primary
/// and its standby), Npgsql tells an outage in two more ways: every host's failure gathered in one
/// AggregateException, and "No suitable host was found." when no host has the role asked for, as
/// during the seconds of a failover when there is no primary yet.
/// </summary>
public static class DatabaseOutage
{
    private const string NoHostInTheRoleAskedFor = "No suitable host was found.";

    public static bool Is(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } or TimeoutException => true,
        NpgsqlException { InnerException: AggregateException hosts } => hosts.InnerExceptions.All(Is),
        NpgsqlException { InnerException: null, Message: NoHostInTheRoleAskedFor } noHost => noHost.GetType() == typeof(NpgsqlException),
        _ => false,
    };
}
