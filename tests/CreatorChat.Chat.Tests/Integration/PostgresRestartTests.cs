using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>
/// Issue 9, item 12 and "0 lost answers": PostgreSQL crashing or restarting under chat. An answer chat acknowledged
/// (200 with its message id) is in its history even when the server crashes the moment after, as the faults benchmark
/// kills it; while the server is down a streaming chat gets a 503 problem with Retry-After, never an empty 500.
/// Each test owns its servers.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private const int Rounds = 4;
    private const int FansPerRound = 4;

    private readonly InfrastructureFixture _infrastructure = new();
    private ChatServiceFixture _chat = null!;
    private bool _running = true;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _chat = new ChatServiceFixture(_infrastructure);
        await _chat.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (!_running)
        {
            await _infrastructure.StartPostgresAsync(CancellationToken.None);
        }

        await _chat.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Every_acknowledged_answer_survives_a_postgres_crash_right_after_it()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var fans = Enumerable.Range(0, FansPerRound).Select(_ => _chat.Fan(Guid.NewGuid())).ToList();
        var acknowledged = new List<(int Fan, Guid Conversation, Guid Message)>();
        for (var round = 0; round < Rounds; round++)
        {
            var answers = await Task.WhenAll(fans.Select((fan, i) => AnsweredAsync(fan, $"What is the claw grip? (round {round}, fan {i})", budget.Token)));
            acknowledged.AddRange(answers.Select((a, i) => (i, a["conversation_id"]!.GetValue<Guid>(), a["message_id"]!.GetValue<Guid>())));
            await _infrastructure.StopPostgresAsync(crash: true);
            await _infrastructure.StartPostgresAsync(budget.Token);
        }

        var missing = new List<Guid>();
        foreach (var (fan, conversation, message) in acknowledged)
        {
            var history = await HistoryAsync(fans[fan], conversation, budget.Token);
            if (!history.Any(m => m!["id"]!.GetValue<Guid>() == message && m["role"]!.GetValue<string>() == "assistant"))
            {
                missing.Add(message);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged answers are not in their history: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task After_a_postgres_crash_chat_answers_again_within_one_break_and_keeps_answering()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // Many connections open at once (continuing a conversation reads it first), idle in the pool when the server dies.
        var fans = Enumerable.Range(0, 12).Select(_ => _chat.Fan(Guid.NewGuid())).ToList();
        var started = await Task.WhenAll(fans.Select((fan, i) => AnsweredAsync(fan, $"Why knead bread dough? ({i})", budget.Token)));
        await Task.WhenAll(fans.Select((fan, i) =>
            AnsweredAsync(fan, "And how long?", budget.Token, started[i]["conversation_id"]!.GetValue<Guid>())));

        await _infrastructure.StopPostgresAsync(crash: true);
        await _infrastructure.StartPostgresAsync(budget.Token);
        var watch = Stopwatch.StartNew();
        await AnsweredAsync(fans[0], "What is the claw grip?", budget.Token);
        var recovered = watch.Elapsed;

        var failed = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await fans[i % fans.Count].PostJsonAsync("/api/v1/chat", new { creator_id = SampleKnowledge.Slug, message = $"What is the claw grip? ({i})" });
            if (!response.IsSuccessStatusCode)
            {
                failed.Add((int)response.StatusCode);
            }
        }

        // At most one break of the breaker (5 s) before the first answer, then no relapse: no dead pooled connection is
        // left to fail one more trial call and open the breaker again.
        Assert.True(recovered < TimeSpan.FromSeconds(9), recovered.ToString());
        Assert.True(failed.Count == 0, string.Join(", ", failed));
    }

    [Fact]
    public async Task A_streaming_chat_while_postgres_is_down_gets_a_503_problem_with_retry_after_then_streams_again()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var conversation = (await ChatServiceFixture.AskAsync(fan, "Why knead bread dough?"))["conversation_id"]!.GetValue<Guid>();

        await _infrastructure.StopPostgresAsync(crash: false);
        _running = false;
        for (var i = 0; i < 4; i++)
        {
            // The first ones find the pooled connections cut off, the later ones a refused connect or an open breaker.
            using var response = await StreamAsync(fan, new { creator_id = SampleKnowledge.Slug, message = $"What is the claw grip, take {i}?", conversation_id = conversation });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.False(string.IsNullOrWhiteSpace(JsonNode.Parse(body)!["detail"]?.GetValue<string>()), body);
        }

        // A new conversation has nothing to read first: its question fails to save once the stream is asked for, and the
        // stream says so (an error event and no done), or it is refused up front the same way; never a 5xx other than 503.
        using (var response = await StreamAsync(fan, new { creator_id = SampleKnowledge.Slug, message = "What is the claw grip?" }))
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Contains("event: error", body);
                Assert.DoesNotContain("event: done", body);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        await _infrastructure.StartPostgresAsync(CancellationToken.None);
        _running = true;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string events;
        do
        {
            await Task.Delay(250);
            using var response = await StreamAsync(fan, new { creator_id = SampleKnowledge.Slug, message = "What is the claw grip?", conversation_id = conversation });
            events = await response.Content.ReadAsStringAsync();
        }
        while (!events.Contains("event: done", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        Assert.Contains("event: done", events);
    }

    private static async Task<HttpResponseMessage> StreamAsync(HttpClient fan, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat") { Content = JsonContent.Create(body, options: Microsoft.Extensions.Hosting.ApiJson.Options) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await fan.SendAsync(request);
    }

    /// <summary>Asks until chat answers 200 (right after a restart it may answer 503 with Retry-After, which acknowledges nothing).</summary>
    private static async Task<JsonObject> AnsweredAsync(HttpClient fan, string question, CancellationToken cancellationToken, Guid? conversation = null)
    {
        while (true)
        {
            using var response = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = SampleKnowledge.Slug, message = question, conversation_id = conversation });
            if (response.IsSuccessStatusCode)
            {
                return (await response.ReadJsonAsync()).AsObject();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(250, cancellationToken);
        }
    }

    private static async Task<JsonArray> HistoryAsync(HttpClient fan, Guid conversation, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await fan.GetAsync(new Uri($"/api/v1/conversations/{conversation}/messages", UriKind.Relative), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (await response.ReadJsonAsync()).AsArray();
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return []; // the whole conversation is lost
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(250, cancellationToken);
        }
    }
}
