using System.Net;
using System.Text.Json.Nodes;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>
/// Issue 9, "0 lost answers": an answer chat acknowledged (200 with its message id) is in the conversation's
/// history even when PostgreSQL crashes the moment after, as the faults benchmark kills it. Each round asks a few
/// questions at once and crashes the server right after the last answer; the test owns its servers.
/// </summary>
public sealed class DurableAnswerTests : IAsyncLifetime
{
    private const int Rounds = 4;
    private const int FansPerRound = 4;

    private readonly InfrastructureFixture _infrastructure = new();
    private ChatServiceFixture _chat = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _chat = new ChatServiceFixture(_infrastructure);
        await _chat.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
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
            await _infrastructure.CrashAndRestartPostgresAsync(budget.Token);
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

    /// <summary>Asks until chat answers 200 (right after a restart it may answer 503 with Retry-After, which acknowledges nothing).</summary>
    private static async Task<JsonObject> AnsweredAsync(HttpClient fan, string question, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = SampleKnowledge.Slug, message = question });
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
