using System.Net;
using CreatorChat.Retrieval.Model;
using CreatorChat.ServiceDefaults.Http;
using Microsoft.Extensions.Caching.Memory;

namespace CreatorChat.Retrieval.Infrastructure.Creators;

/// <summary>The creator service could not be asked.</summary>
public sealed class CreatorDirectoryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Looks creators up in the creator service (<c>GET http://creator/internal/v1/creators/{slug}</c>, signed with
/// a service token by ServiceDefaults) and caches answers briefly: ownership rarely changes, and a
/// bulk upload of 80 videos should not cost 80 round trips.
/// </summary>
public sealed class CreatorDirectory(IHttpClientFactory clients, IMemoryCache cache, CreatorDirectoryOptions options)
{
    public const string ClientName = "creator";

    public async Task<CreatorProfile?> FindAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        var key = "creator:" + creatorSlug;
        if (cache.TryGetValue(key, out CreatorProfile? cached))
        {
            return cached;
        }

        var profile = await FetchAsync(creatorSlug, cancellationToken);
        cache.Set(key, profile, profile is null ? options.NotFoundTtl : options.FoundTtl);
        return profile;
    }

    /// <summary>Drops a cached answer (tests, or after an ownership change is known).</summary>
    public void Forget(string creatorSlug) => cache.Remove("creator:" + creatorSlug);

    private async Task<CreatorProfile?> FetchAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .GetAsync(new Uri($"http://creator/internal/v1/creators/{Uri.EscapeDataString(creatorSlug)}"), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new CreatorDirectoryUnavailableException($"The creator service answered {(int)response.StatusCode} for '{creatorSlug}'.");
            }

            var profile = await response.Content.ReadFromJsonAsync<CreatorProfile>(ApiJson.Options, cancellationToken);
            return profile is { IsActive: true } ? profile : null;
        }
        catch (Exception ex) when (ServiceUnavailable.Is(ex) || ex is System.Text.Json.JsonException)
        {
            throw new CreatorDirectoryUnavailableException($"The creator service could not be reached: {ex.Message}", ex);
        }
    }
}
