using System.Text.Json.Nodes;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Gateway.Infrastructure;

/// <summary>
/// Platform-wide numbers for admins: the gateway's own (users, rate limiting) plus each service's
/// <c>/internal/v1/stats</c>. A service that does not answer is listed under <c>unavailable</c>.
/// </summary>
public sealed class PlatformStats(IHttpClientFactory clients, UserRepository users, RateLimiter limiter, ILogger<PlatformStats> logger)
{
    public async Task<JsonObject> CollectAsync(CancellationToken cancellationToken)
    {
        var result = new JsonObject
        {
            ["users"] = await users.CountAsync(cancellationToken),
            ["rate_limiting"] = limiter.UsingLocalFallback ? "local (redis unreachable)" : "redis",
        };
        var unavailable = new JsonArray();
        var replies = await Task.WhenAll(ServiceNames.Backends.Select(async service => (service, stats: await FetchAsync(service, cancellationToken))));
        foreach (var (service, stats) in replies)
        {
            if (stats is null)
            {
                unavailable.Add(service);
                continue;
            }

            foreach (var (key, value) in stats)
            {
                result[key] = value?.DeepClone();
            }
        }

        result["unavailable"] = unavailable;
        return result;
    }

    private async Task<JsonObject?> FetchAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await clients.CreateClient(service).GetAsync(new Uri($"http://{service}/internal/v1/stats"), cancellationToken);
            response.EnsureSuccessStatusCode();
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject;
        }
        catch (Exception ex) when (ServiceUnavailable.Is(ex) || ex is System.Text.Json.JsonException)
        {
            logger.LogWarning("Stats of {Service} unavailable: {Reason}", service, ex.GetType().Name);
            return null;
        }
    }
}
