using Npgsql;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>The chat service's own database, <c>chatdb</c>; its schema lives in <c>Migrations/</c>.</summary>
public static class ChatDatabase
{
    public const string ConnectionName = "chatdb";

    /// <summary>
    /// Chat runs the same handful of statements thousands of times a second: let Npgsql prepare them
    /// once per connection (unless the connection string already says otherwise), and skip the
    /// session reset on every return to the pool (chat never changes session state).
    /// </summary>
    public static void TuneConnectionString(IConfiguration configuration)
    {
        var key = $"ConnectionStrings:{ConnectionName}";
        var connectionString = configuration[key];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return; // AddNpgsqlDataSource explains what is missing
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        // A frozen server: opening gives up after 3 s, and a cancelled query (DatabaseBreaker's budget)
        // waits at most half a second for the server to confirm before the connection is dropped.
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 3;
            builder.CancellationTimeout = 500;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        configuration[key] = builder.ConnectionString;
    }
}
