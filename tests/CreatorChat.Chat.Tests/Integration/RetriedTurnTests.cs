using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>
/// The gateway sends a turn again, with the same turn id, when the replica it went to died before answering; the dead one
/// may already have saved the question. The retry must not store it twice (nor open a second conversation).
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RetriedTurnTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly ChatServiceFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task A_new_conversations_turn_sent_twice_is_one_conversation_with_one_question()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var turn = Guid.CreateVersion7();

        var first = await AskAsync(fan, turn, "Why knead bread dough?", null);
        var retried = await AskAsync(fan, turn, "Why knead bread dough?", null);

        Assert.Equal(first["conversation_id"]!.GetValue<Guid>(), retried["conversation_id"]!.GetValue<Guid>());
        var conversation = first["conversation_id"]!.GetValue<Guid>();
        var questions = (await ChatServiceFixture.MessagesAsync(fan, conversation)).Where(m => m!["role"]!.GetValue<string>() == "user").ToList();
        Assert.Single(questions);
        using var list = await fan.GetAsync(new Uri("/api/v1/conversations", UriKind.Relative));
        Assert.Single((await list.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_continued_conversations_turn_sent_twice_keeps_its_question_once()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var conversation = (await AskAsync(fan, Guid.CreateVersion7(), "Why knead bread dough?", null))["conversation_id"]!.GetValue<Guid>();
        var turn = Guid.CreateVersion7();

        await AskAsync(fan, turn, "What is the windowpane test?", conversation);
        var retried = await AskAsync(fan, turn, "What is the windowpane test?", conversation);

        Assert.Equal(conversation, retried["conversation_id"]!.GetValue<Guid>());
        var questions = (await ChatServiceFixture.MessagesAsync(fan, conversation))
            .Where(m => m!["role"]!.GetValue<string>() == "user").Select(m => m!["content"]!.GetValue<string>()).ToList();
        Assert.Equal(["Why knead bread dough?", "What is the windowpane test?"], questions);
    }

    [Fact]
    public async Task Another_fans_turn_with_the_same_id_is_their_own()
    {
        var turn = Guid.CreateVersion7();
        var mine = await AskAsync(_chat.Fan(Guid.NewGuid()), turn, "Why knead bread dough?", null);
        var theirs = await AskAsync(_chat.Fan(Guid.NewGuid()), turn, "What is the claw grip?", null);

        Assert.NotEqual(mine["conversation_id"]!.GetValue<Guid>(), theirs["conversation_id"]!.GetValue<Guid>());
        Assert.Contains("fingertips", theirs["response"]!.GetValue<string>());
    }

    private static async Task<JsonObject> AskAsync(HttpClient fan, Guid turn, string question, Guid? conversation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat")
        {
            Content = JsonContent.Create(new { creator_id = SampleKnowledge.Slug, message = question, conversation_id = conversation }),
        };
        request.Headers.Add(TurnIdHeader.Name, turn.ToString());
        using var response = await fan.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
