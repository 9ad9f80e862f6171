using System.Collections.Concurrent;
using CreatorChat.ServiceDefaults.Model;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// Each creator's knowledge version, the part of the answer-cache key that changes when a video is
/// ingested, replaced or deleted. Remembered per replica and forgotten the moment retrieval
/// announces a change on <see cref="KnowledgeChanged.Channel"/>; a time limit bounds staleness should a notification
/// be lost, and everything is forgotten when the Redis connection comes back.
/// </summary>
public sealed class KnowledgeVersions(RetrievalClient retrieval, IOptions<ChatServiceOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Entry> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);

    /// <summary>The creator's current version, or null when it cannot be known right now (then: no cache).</summary>
    public async Task<string?> GetAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_versions.TryGetValue(creatorSlug, out var entry) && now < entry.ExpiresAt)
        {
            return entry.Version;
        }

        var generation = _generations.GetValueOrDefault(creatorSlug);
        // Only the cache depends on it: a slow answer costs less than a cache miss, so keep it short.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Value.KnowledgeVersionTimeout);
        string? version;
        try
        {
            version = await retrieval.KnowledgeVersionAsync(creatorSlug, budget.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        // A change announced while we were asking may not be in this answer: don't remember it.
        if (version is not null && _generations.GetValueOrDefault(creatorSlug) == generation)
        {
            _versions[creatorSlug] = new Entry(version, now + options.Value.KnowledgeVersionCacheDuration);
        }

        return version;
    }

    public void Invalidate(string creatorSlug)
    {
        _generations.AddOrUpdate(creatorSlug, 1, (_, g) => g + 1);
        _versions.TryRemove(creatorSlug, out _);
    }

    public void InvalidateAll()
    {
        foreach (var creatorSlug in _versions.Keys)
        {
            Invalidate(creatorSlug);
        }
    }

    private sealed record Entry(string Version, DateTimeOffset ExpiresAt);
}

/// <summary>Listens to retrieval's knowledge-change announcements for as long as the service runs.</summary>
public sealed class KnowledgeChangeListener(IConnectionMultiplexer redis, KnowledgeVersions versions, TimeProvider timeProvider, ILogger<KnowledgeChangeListener> logger) : IHostedService
{
    /// <summary>How long to wait before asking Redis again for a subscription it refused or did not answer.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Task _subscribing = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        // Never wait for Redis at start: keep asking in the background until it subscribes. A subscription that
        // failed once (Redis down, or too slow while the host starts) must not leave answers stale for the cache time.
        _subscribing = SubscribeUntilDoneAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task SubscribeUntilDoneAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(KnowledgeChanged.Channel, (_, message) =>
                {
                    var creatorSlug = (string?)message;
                    if (!string.IsNullOrWhiteSpace(creatorSlug))
                    {
                        versions.Invalidate(creatorSlug.Trim());
                        logger.LogDebug("Knowledge of creator {Slug} changed: cached answers retired", creatorSlug);
                    }
                });
                // Anything announced before the subscription held is lost: start from scratch.
                versions.InvalidateAll();
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning("Not subscribed to {Channel} yet ({Reason}); cached knowledge versions expire by time until then", KnowledgeChanged.Channel, ex.Message);
            }

            try
            {
                await Task.Delay(RetryInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // The multiplexer re-subscribes by itself after reconnecting; announcements sent while disconnected are lost.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => versions.InvalidateAll();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        // Hosts may stop a service twice; the source has no timer, so it is never disposed.
        await _stopping.CancelAsync();
        await _subscribing;
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(KnowledgeChanged.Channel);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Shutting down while Redis is away, or after the connection was closed: nothing to undo.
        }
    }
}
