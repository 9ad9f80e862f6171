using System.Collections.Concurrent;
using System.Net;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Model;
using Microsoft.Extensions.Options;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// Creators as the creator service knows them (persona included). Answers are remembered for a short
/// while (<see cref="ChatServiceOptions.CreatorCacheDuration"/>): every chat turn needs the persona, and a
/// persona edit taking half a minute to reach the bot is a fair price for not calling the creator
/// service on every message. Concurrent lookups of one creator share a single call.
/// </summary>
public sealed class CreatorDirectory(IHttpClientFactory clients, IOptions<ChatServiceOptions> options, TimeProvider timeProvider, ILogger<CreatorDirectory> logger)
{
    public const string HttpClientName = "creator";

    private readonly ConcurrentDictionary<string, Memo<CreatorLookup>> _creators = new(StringComparer.Ordinal);
    private Memo<IReadOnlyList<CreatorProfile>?>? _active;

    /// <summary>
    /// The creator, cached briefly. A string that is not a slug is not found without asking or caching anything, so no
    /// caller can fill the cache with arbitrary keys.
    /// </summary>
    public async Task<CreatorLookup> FindAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        if (!CreatorSlug.IsValid(creatorSlug))
        {
            return CreatorLookup.NotFound;
        }

        var now = timeProvider.GetUtcNow();
        var memo = _creators.AddOrUpdate(
            creatorSlug,
            (key, arg) => new Memo<CreatorLookup>(arg.Self.FetchAsync(key), arg.Now + arg.Self.Ttl),
            (key, existing, arg) => existing.IsFresh(arg.Now) ? existing : new Memo<CreatorLookup>(arg.Self.FetchAsync(key), arg.Now + arg.Self.Ttl),
            (Self: this, Now: now));
        var result = await memo.Value.WaitAsync(cancellationToken);
        if (result.Status == LookupStatus.Unavailable)
        {
            _creators.TryRemove(new KeyValuePair<string, Memo<CreatorLookup>>(creatorSlug, memo)); // never remember an outage
        }

        return result;
    }

    /// <summary>Active creators (for <c>/v1/models</c>); null when the creator service cannot be reached.</summary>
    public async Task<IReadOnlyList<CreatorProfile>?> ListActiveAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var memo = _active;
        if (memo is null || !memo.IsFresh(now))
        {
            memo = new Memo<IReadOnlyList<CreatorProfile>?>(FetchActiveAsync(), now + Ttl);
            _active = memo;
        }

        var result = await memo.Value.WaitAsync(cancellationToken);
        if (result is null)
        {
            Interlocked.CompareExchange(ref _active, null, memo);
        }

        return result;
    }

    private TimeSpan Ttl => options.Value.CreatorCacheDuration;

    // Shared by concurrent callers, so it runs on its own budget (the HttpClient pipeline's timeouts), not one caller's token.
    private async Task<CreatorLookup> FetchAsync(string creatorSlug)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .GetAsync(new Uri($"/internal/v1/creators/{Uri.EscapeDataString(creatorSlug)}", UriKind.Relative), CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return CreatorLookup.NotFound;
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Creator service answered {Status} for creator {Slug}", (int)response.StatusCode, creatorSlug);
                return CreatorLookup.Unavailable;
            }

            var profile = await response.Content.ReadFromJsonAsync<CreatorProfile>(Microsoft.Extensions.Hosting.ApiJson.Options, CancellationToken.None);
            return profile is { IsActive: true } ? new CreatorLookup(LookupStatus.Found, profile) : CreatorLookup.NotFound;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            logger.LogWarning("Creator service unreachable while loading creator {Slug}: {Reason}", creatorSlug, ex.GetType().Name);
            return CreatorLookup.Unavailable;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Loading creator {Slug} failed unexpectedly", creatorSlug);
            return CreatorLookup.Unavailable;
        }
    }

    private async Task<IReadOnlyList<CreatorProfile>?> FetchActiveAsync()
    {
        var all = new List<CreatorProfile>();
        string? after = null;
        try
        {
            var client = clients.CreateClient(HttpClientName);
            for (var page = 0; page < 100; page++)
            {
                var query = after is null ? "?limit=500" : $"?limit=500&after={Uri.EscapeDataString(after)}";
                var batch = await client.GetFromJsonAsync<List<CreatorProfile>>(
                    new Uri("/api/v1/creators" + query, UriKind.Relative), Microsoft.Extensions.Hosting.ApiJson.Options, CancellationToken.None);
                if (batch is null || batch.Count == 0)
                {
                    break;
                }

                all.AddRange(batch.Select(c => c with { IsActive = true }));
                if (batch.Count < 500)
                {
                    break;
                }

                after = batch[^1].Slug;
            }

            return all;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            logger.LogWarning("Creator service unreachable while listing creators: {Reason}", ex.GetType().Name);
            return null;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Listing creators failed unexpectedly");
            return null;
        }
    }

    internal static bool IsUnavailable(Exception ex) =>
        ServiceUnavailable.Is(ex) || ex is System.Text.Json.JsonException or TaskCanceledException;

    private sealed record Memo<T>(Task<T> Value, DateTimeOffset ExpiresAt)
    {
        public bool IsFresh(DateTimeOffset now) => now < ExpiresAt;
    }
}
