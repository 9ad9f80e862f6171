using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatorChat.Chat.Tests.Support;

public enum RetrievalMode
{
    Normal,
    Failing,
    Slow,

    /// <summary>Knowledge versions answer, searches fail: the cache could be consulted, the videos cannot.</summary>
    SearchFailing,
}

/// <summary>
/// A real HTTP server on loopback that plays the creator and retrieval services' internal APIs
/// exactly as agreed (<c>GET /internal/v1/creators/{slug}</c>, <c>POST /internal/v1/search</c>,
/// <c>GET /internal/v1/creators/{slug}/knowledge</c>, <c>GET /api/v1/creators</c>), so that the chat
/// service under test goes through its real HttpClient pipeline (service tokens, discovery,
/// timeouts, circuit breaker). Tests control its behaviour: failing, slow, knowledge changes.
/// Internal routes refuse calls without a valid service token, as the real services do.
/// </summary>
public sealed class FakeUpstreams : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly ConcurrentDictionary<string, CreatorProfile> _creators = new();
    private readonly ConcurrentDictionary<string, List<Chunk>> _knowledge = new();
    private readonly ConcurrentDictionary<string, long> _versions = new();
    private readonly long _versionBase = Random.Shared.NextInt64(1, long.MaxValue / 2);
    private readonly CancellationTokenSource _crash = new();
    private int _searches;
    private int _stopped;

    public sealed record Chunk(string VideoId, string Title, double Start, double End, string Text);

    private FakeUpstreams()
    {
    }

    public Uri Url => _server.Url;

    public RetrievalMode Mode { get; set; } = RetrievalMode.Normal;

    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(5);

    public int Searches => Volatile.Read(ref _searches);

    public ConcurrentQueue<string> SearchQueries { get; } = new();

    public int RejectedCalls;

    public static async Task<FakeUpstreams> StartAsync()
    {
        var fake = new FakeUpstreams();
        fake._server = await LoopbackServer.StartAsync(fake.Map);
        fake.AddCreator(SampleKnowledge.Creator);
        fake.SetKnowledge(SampleKnowledge.Slug, SampleKnowledge.Chunks.Select(c => new Chunk(c.VideoId, c.Title, c.Start, c.End, c.Text)));
        return fake;
    }

    public void AddCreator(CreatorProfile creator) => _creators[creator.Slug] = creator;

    /// <summary>Replaces a creator's knowledge and bumps its version, as an ingest would.</summary>
    public long SetKnowledge(string slug, IEnumerable<Chunk> chunks)
    {
        _knowledge[slug] = chunks.ToList();
        return _versions.AddOrUpdate(slug, _versionBase, (_, v) => v + 1);
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/internal/v1/creators/{slug}", (string slug, HttpContext context) =>
            !IsService(context) ? Reject()
            : _creators.TryGetValue(slug, out var creator) ? Results.Json(creator, ApiJson.Options)
            : Results.Problem(statusCode: 404, title: "Creator not found"));

        app.MapGet("/api/v1/creators", () => Results.Json(_creators.Values.OrderBy(c => c.Slug).Select(c => new
        {
            c.Id, c.Slug, c.Name, c.Specialty, c.Description, c.AvatarUrl, created_at = DateTimeOffset.UnixEpoch.AddDays(20000),
        }), ApiJson.Options));

        app.MapGet("/internal/v1/creators/{slug}/knowledge", (string slug, HttpContext context) =>
        {
            if (!IsService(context))
            {
                return Reject();
            }

            if (Mode == RetrievalMode.Failing)
            {
                return Results.StatusCode(500);
            }

            return _versions.TryGetValue(slug, out var version)
                ? Results.Json(new { knowledge_version = version, video_count = _knowledge[slug].Select(c => c.VideoId).Distinct().Count(), chunk_count = _knowledge[slug].Count })
                : Results.Problem(statusCode: 404);
        });

        app.MapPost("/internal/v1/search", async (HttpContext context) =>
        {
            if (!IsService(context))
            {
                return Reject();
            }

            Interlocked.Increment(ref _searches);
            using var crashed = _crash.Token.Register(context.Abort); // a search in flight when the process dies: its connection resets
            var request = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body, cancellationToken: context.RequestAborted);
            var slug = request.GetProperty("creator_id").GetString()!;
            var query = request.GetProperty("query").GetString()!;
            var k = request.GetProperty("k").GetInt32();
            SearchQueries.Enqueue(query);
            switch (Mode)
            {
                case RetrievalMode.Failing or RetrievalMode.SearchFailing:
                    return Results.StatusCode(500);
                case RetrievalMode.Slow:
                    await Task.Delay(SlowDelay, context.RequestAborted);
                    break;
            }

            if (!_knowledge.TryGetValue(slug, out var chunks))
            {
                return Results.Problem(statusCode: 404);
            }

            var results = chunks
                .Select(c => (Chunk: c, Score: Score(query, c.Text)))
                .Where(r => r.Score > 0)
                .OrderByDescending(r => r.Score)
                .Take(k)
                .Select(r => new
                {
                    video_id = r.Chunk.VideoId, title = r.Chunk.Title, start_seconds = r.Chunk.Start, end_seconds = r.Chunk.End,
                    text = r.Chunk.Text, score = Math.Round(r.Score, 4), url = $"https://youtu.be/{r.Chunk.VideoId}?t={(int)r.Chunk.Start}",
                });
            return Results.Json(new { knowledge_version = _versions[slug], results });
        });
    }

    // A crude lexical relevance, independent of the chat service's own text analysis.
    private static double Score(string query, string text)
    {
        static HashSet<string> Words(string s) => s.ToLowerInvariant()
            .Split([' ', '.', ',', '?', '!', ':', ';', '\n', '"', '\''], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 3).Select(w => w.TrimEnd('s')).ToHashSet();
        var q = Words(query);
        var t = Words(text);
        return q.Count == 0 ? 0 : (double)q.Count(t.Contains) / q.Count;
    }

    private bool IsService(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref RejectedCalls);
            return false;
        }

        var result = new JsonWebTokenHandler().ValidateTokenAsync(header["Bearer ".Length..], new TokenValidationParameters
        {
            ValidIssuer = "creatorchat",
            ValidAudience = PlatformClaims.ServiceAudience,
            IssuerSigningKey = SigningKeyProvider.FromConfiguredValue(TestTokens.DefaultKey),
        }).GetAwaiter().GetResult();
        var ok = result.IsValid && result.Claims.TryGetValue(PlatformClaims.TokenUse, out var use) && (string)use == "service";
        if (!ok)
        {
            Interlocked.Increment(ref RejectedCalls);
        }

        return ok;
    }

    private static IResult Reject() => Results.StatusCode((int)HttpStatusCode.Unauthorized);

    /// <summary>
    /// Dies as a killed process does: every search in flight has its connection reset, then the port is closed, so new
    /// connections are refused.
    /// </summary>
    public async Task CrashAsync()
    {
        await _crash.CancelAsync();
        await StopAsync();
    }

    /// <summary>Stops as an orchestrator stops a replica: requests in flight are answered, then the port is closed.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _crash.CancelAsync();
        await StopAsync();
        _crash.Dispose();
    }
}
