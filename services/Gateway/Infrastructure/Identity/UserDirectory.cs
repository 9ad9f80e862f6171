using System.Collections.Concurrent;
using CreatorChat.Gateway.Model;
using StackExchange.Redis;

namespace CreatorChat.Gateway.Infrastructure.Identity;

/// <summary>
/// The current role, tier and status of a user for every request at the edge: a disabled user or
/// a token minted before a role change is refused at once, and a tier upgrade takes effect at once.
/// Entries live a few seconds; an admin change is broadcast over Redis so every replica drops its copy.
/// </summary>
public sealed class UserDirectory : IDisposable
{
    public const string ChangedChannel = "creatorchat:gateway:user-changed";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Guid, Entry> _cache = new();
    private readonly UserRepository _users;
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<UserDirectory> _logger;

    public UserDirectory(UserRepository users, IConnectionMultiplexer redis, TimeProvider timeProvider, ILogger<UserDirectory> logger)
    {
        _users = users;
        _redis = redis;
        _timeProvider = timeProvider;
        _logger = logger;
        try
        {
            _redis.GetSubscriber().Subscribe(RedisChannel.Literal(ChangedChannel), (channel, value) =>
            {
                if (Guid.TryParse((string?)value, out var id))
                {
                    _cache.TryRemove(id, out _);
                }
            });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning("Redis unavailable: user changes from other replicas apply within {Ttl}", Ttl);
        }
    }

    /// <summary>
    /// Concurrent requests of one user share a single lookup (a burst of a user's requests must not
    /// become a burst of database queries); a failed lookup is not cached.
    /// </summary>
    public async Task<User?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Expires > now && !cached.Lookup.IsFaulted)
        {
            return await cached.Lookup.WaitAsync(cancellationToken);
        }

        if (_cache.Count > 100_000)
        {
            _cache.Clear(); // bounded memory under a flood of distinct users; entries are cheap to reload
        }

        var fresh = new Entry(_users.FindAsync(id, CancellationToken.None), now + Ttl);
        var entry = _cache.AddOrUpdate(id, fresh, (_, existing) => existing.Expires > now && !existing.Lookup.IsFaulted ? existing : fresh);
        try
        {
            return await entry.Lookup.WaitAsync(cancellationToken);
        }
        catch when (entry.Lookup.IsFaulted)
        {
            _cache.TryRemove(KeyValuePair.Create(id, entry));
            throw;
        }
    }

    private sealed record Entry(Task<User?> Lookup, DateTimeOffset Expires);

    public async Task InvalidateAsync(Guid id)
    {
        _cache.TryRemove(id, out _);
        try
        {
            await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(ChangedChannel), id.ToString()).WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning("Could not broadcast a user change; other replicas catch up within {Ttl}", Ttl);
        }
    }

    public void Dispose()
    {
        try
        {
            _redis.GetSubscriber().Unsubscribe(RedisChannel.Literal(ChangedChannel));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Shutting down anyway.
        }
    }
}
