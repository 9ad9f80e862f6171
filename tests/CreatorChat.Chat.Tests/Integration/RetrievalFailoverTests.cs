using System.Diagnostics;
using System.Text.Json.Nodes;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>
/// Issue 11, failover: with two retrieval replicas, losing one (killed mid-search, or stopped) costs no fan a grounded
/// answer. Chat calls both through its real HttpClient pipeline (service discovery, standard resilience, per-replica
/// breaker) over real sockets.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RetrievalFailoverTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private static readonly string[] Questions =
    [
        "Why knead bread dough?", "What is the claw grip?", "What is the windowpane test?", "How long should dough rest?",
    ];

    private readonly TwoRetrievalReplicasChatFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task A_replica_killed_with_searches_in_flight_costs_no_answer()
    {
        var dying = _chat.SecondRetrieval;
        dying.Mode = RetrievalMode.Slow; // its searches are still in flight when it dies
        dying.SlowDelay = TimeSpan.FromSeconds(30);
        var fan = _chat.Fan(Guid.NewGuid());

        var turns = Enumerable.Range(0, 8).Select(i => AskAsync(fan, i)).ToList();
        var deadline = Stopwatch.StartNew();
        while (dying.Searches < 2 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }

        Assert.True(dying.Searches >= 2, $"only {dying.Searches} searches reached the replica before it was killed");
        await dying.CrashAsync();
        var answers = await Task.WhenAll(turns);

        Assert.All(answers, AssertGrounded);

        // Killed for good: its port refuses, every later question goes to the other replica.
        for (var i = 8; i < 16; i++)
        {
            AssertGrounded(await AskAsync(fan, i));
        }
    }

    [Fact]
    public async Task A_replica_stopped_gracefully_under_load_costs_no_answer()
    {
        var leaving = _chat.SecondRetrieval;
        leaving.Mode = RetrievalMode.Slow;
        leaving.SlowDelay = TimeSpan.FromMilliseconds(200);
        var fans = Enumerable.Range(0, 4).Select(_ => _chat.Fan(Guid.NewGuid())).ToList();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));

        var load = fans.Select(async (fan, f) =>
        {
            var answers = new List<JsonObject>();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                answers.Add(await AskAsync(fan, f * 1000 + i));
            }

            return answers;
        }).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var reached = leaving.Searches;
        await leaving.StopAsync();
        var all = (await Task.WhenAll(load)).SelectMany(a => a).ToList();

        Assert.True(reached > 0, "no search reached the replica before it stopped");
        Assert.All(all, AssertGrounded);
    }

    private static Task<JsonObject> AskAsync(HttpClient fan, int n) =>
        ChatServiceFixture.AskAsync(fan, $"{Questions[n % Questions.Length]} (take {n})");

    private static void AssertGrounded(JsonObject answer)
    {
        Assert.False(answer["degraded"]!.GetValue<bool>(), answer.ToJsonString());
        Assert.NotEmpty(answer["citations"]!.AsArray());
    }
}
