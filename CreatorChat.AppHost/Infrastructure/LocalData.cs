using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace CreatorChat.AppHost.Infrastructure;

/// <summary>
/// Where and how the local Postgres and Redis keep their data: <c>Infrastructure:DataFolder</c> (default
/// <c>.localrun/</c> beside the solution; it survives restarts), fixed ports <c>Infrastructure:PostgresPort</c>
/// (55432) and <c>Infrastructure:RedisPort</c> (56379), and <c>Infrastructure:Ephemeral=true</c> for throwaway
/// data (tests, benchmarks: no fsync, no Redis append-only file; commits stay synchronous, so a crash loses no
/// acknowledged write). The binaries are found in Debian's places unless
/// <c>Infrastructure:PostgresBin</c> (the folder holding <c>postgres</c> and <c>initdb</c>) or
/// <c>Infrastructure:RedisServer</c> (the <c>redis-server</c> executable) say where they are.
/// </summary>
internal sealed record LocalData(string Folder, int PostgresPort, int RedisPort, bool Ephemeral, string? PostgresBin = null, string? RedisServer = null)
{
    public const int DefaultPostgresPort = 55432;
    public const int DefaultRedisPort = 56379;

    public static LocalData From(IDistributedApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var folder = configuration["Infrastructure:DataFolder"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".localrun"));
        return new LocalData(
            folder,
            configuration.GetValue("Infrastructure:PostgresPort", DefaultPostgresPort),
            configuration.GetValue("Infrastructure:RedisPort", DefaultRedisPort),
            configuration.GetValue("Infrastructure:Ephemeral", false),
            configuration["Infrastructure:PostgresBin"] is { Length: > 0 } bin ? bin : null,
            configuration["Infrastructure:RedisServer"] is { Length: > 0 } redis ? redis : null);
    }

    /// <summary>A secret generated once and kept in the data folder beside the data it protects.</summary>
    public static string ReadOrCreateSecret(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
        }

        return File.ReadAllText(path).Trim();
    }

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
