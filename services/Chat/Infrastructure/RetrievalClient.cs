using System.Net;
using System.Text.Json;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>Retrieval could not be asked (down, too slow, or its circuit is open).</summary>
public sealed class RetrievalUnavailableException(string reason, Exception? inner = null) : Exception($"Retrieval is unavailable: {reason}", inner)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// The retrieval service's internal API: search a creator's videos, and read the version of a
/// creator's knowledge (bumped on every ingest, replace or delete). A search is a POST that only reads, so it is
/// marked <see cref="HttpClientResilience.SafeToRetry"/>: a replica that dies or stalls mid-search costs a retry on
/// another one, not a degraded answer. The short attempt timeout, the retry budget and the per-replica breaker (see
/// <c>Resilience:Http:Clients:retrieval</c>) turn a whole outage into a quick, honest answer.
/// </summary>
public sealed class RetrievalClient(IHttpClientFactory clients, ILogger<RetrievalClient> logger)
{
    public const string HttpClientName = "retrieval";
    public const int MaxQueryLength = 1000;

    public async Task<SearchResult> SearchAsync(string creatorSlug, string query, int k, double? minScore, CancellationToken cancellationToken)
    {
        var body = new RetrievalSearchRequest(creatorSlug, query.Length > MaxQueryLength ? query[..MaxQueryLength] : query, k, minScore);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/internal/v1/search", UriKind.Relative))
            {
                Content = JsonContent.Create(body, options: Microsoft.Extensions.Hosting.ApiJson.Options),
            }.AsSafeToRetry();
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new SearchResult("none", []); // retrieval has never heard of this creator: no videos yet
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new RetrievalUnavailableException($"HTTP {(int)response.StatusCode}");
            }

            var payload = await response.Content.ReadFromJsonAsync<RetrievalSearchResponse>(Microsoft.Extensions.Hosting.ApiJson.Options, cancellationToken)
                          ?? throw new RetrievalUnavailableException("empty response");
            var passages = new List<Passage>(payload.Results?.Count ?? 0);
            foreach (var hit in payload.Results ?? [])
            {
                if (string.IsNullOrWhiteSpace(hit.VideoId) || string.IsNullOrWhiteSpace(hit.Text))
                {
                    continue;
                }

                passages.Add(new Passage(
                    passages.Count + 1, hit.VideoId, string.IsNullOrWhiteSpace(hit.Title) ? hit.VideoId : hit.Title,
                    Math.Max(0, hit.StartSeconds), Math.Max(hit.StartSeconds, hit.EndSeconds), hit.Text, hit.Score,
                    string.IsNullOrWhiteSpace(hit.Url) ? DeepLinks.Build(hit.VideoId, null, hit.StartSeconds) : hit.Url));
            }

            return new SearchResult(VersionText(payload.KnowledgeVersion), passages, payload.Confidence);
        }
        catch (Exception ex) when (ex is not RetrievalUnavailableException && CreatorDirectory.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Search for creator {Slug} failed: {Reason}", creatorSlug, ex.GetType().Name);
            throw new RetrievalUnavailableException(ex.GetType().Name, ex);
        }
    }

    /// <summary>The creator's current knowledge version, or null when retrieval cannot tell.</summary>
    public async Task<string?> KnowledgeVersionAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .GetAsync(new Uri($"/internal/v1/creators/{Uri.EscapeDataString(creatorSlug)}/knowledge", UriKind.Relative), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return "none";
            }

            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var payload = await response.Content.ReadFromJsonAsync<RetrievalKnowledgeResponse>(Microsoft.Extensions.Hosting.ApiJson.Options, cancellationToken);
            return payload is null ? null : VersionText(payload.KnowledgeVersion);
        }
        catch (Exception ex) when (CreatorDirectory.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Knowledge version of {Slug} unavailable: {Reason}", creatorSlug, ex.GetType().Name);
            return null;
        }
    }

    // The version is opaque to chat: a number or a string, compared only for equality.
    private static string VersionText(JsonElement version) => version.ValueKind switch
    {
        JsonValueKind.String => version.GetString() ?? "none",
        JsonValueKind.Number => version.GetRawText(),
        _ => "none",
    };
}
