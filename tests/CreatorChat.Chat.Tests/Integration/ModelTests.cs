using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CreatorChat.Chat.Llm;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>Chat configured with an OpenAI-compatible model server (ConnectionStrings:llm).</summary>
public sealed class OpenAiModelChatFixture(InfrastructureFixture infrastructure) : ChatServiceFixture(infrastructure)
{
    public FakeOpenAiServer Model { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:llm"] = $"Endpoint={Model.Url}v1;Key=sk-test-123;Model=fake-gpt",
        ["Chat:Model:IdleTimeout"] = "00:00:01",
    };

    public override async Task InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Model.DisposeAsync();
    }
}

/// <summary>Chat whose model server is down (nothing listens on its port).</summary>
public sealed class ModelDownChatFixture(InfrastructureFixture infrastructure) : ChatServiceFixture(infrastructure)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:llm"] = $"Endpoint=http://127.0.0.1:{CreatorChat.Testing.FreePort.Next()}/v1;Key=sk-test;Model=gone",
    };
}

[Collection(InfrastructureCollection.Name)]
public sealed class OpenAiModelTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly OpenAiModelChatFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task The_model_gets_the_grounded_prompt_and_its_references_become_citations()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var events = await ChatServiceFixture.AskStreamingAsync(fan, new { creator_id = "kitchen-lab", message = "How do I know when to stop kneading dough?" });

        var request = _chat.Model.Requests.Last();
        Assert.Equal("fake-gpt", request["model"]!.GetValue<string>());
        Assert.True(request["stream"]!.GetValue<bool>());
        var system = request["messages"]![0]!["content"]!.GetValue<string>();
        Assert.Contains("You are Maya Okafor", system);
        Assert.Contains("Never invent results you did not show in a video.", system); // the persona
        Assert.Contains("[2] \"", system);
        Assert.Equal("How do I know when to stop kneading dough?", request["messages"]![1]!["content"]!.GetValue<string>());
        Assert.Equal("Bearer sk-test-123", _chat.Model.Authorizations.Last());

        var text = string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data!["text"]!.GetValue<string>()));
        Assert.StartsWith("As I showed: ", text);
        Assert.Contains("[1]", text);
        Assert.DoesNotContain("[7]", text); // a passage that does not exist is not cited
        Assert.DoesNotContain("[2]", text);
        var citation = Assert.Single(events[^2].Data!.AsArray())!;
        Assert.Contains(citation["quote"]!.GetValue<string>()[..20], text);
        var done = events[^1].Data!;
        Assert.Equal(321, done["usage"]!["input_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_adapter_also_answers_without_streaming()
    {
        using var http = new HttpClient();
        var client = OpenAiCompatibleModel.Create(LlmConnection.Parse($"Endpoint={_chat.Model.Url}v1;Key=k;Model=fake-gpt"), http, TimeSpan.FromSeconds(5));
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "[2] \"T\" (0:00–0:01)\nThe passage sentence. More."), new ChatMessage(ChatRole.User, "q")]);

        Assert.Equal("As I showed: The passage sentence. [2] And something I never said [7].", response.Text);
        Assert.Equal(321, response.Usage!.InputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("fake-gpt", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task The_prompt_data_for_the_offline_model_is_never_sent_to_an_OpenAI_compatible_server()
    {
        using var http = new HttpClient();
        var client = OpenAiCompatibleModel.Create(LlmConnection.Parse($"Endpoint={_chat.Model.Url}v1;Key=k;Model=fake-gpt"), http, TimeSpan.FromSeconds(5));
        var prompt = PromptBuilder.Build(SampleKnowledge.Creator, SampleKnowledge.Passages(0, 1), [new("user", "Why knead?"), new("assistant", "It builds gluten [1].")], "For how long?");
        Assert.Contains(prompt[0].Contents, c => c is PromptContextContent);
        var textOnly = prompt.Select(m => new ChatMessage(m.Role, m.Text)).ToList();

        foreach (var streaming in new[] { true, false })
        {
            var withData = await SentAsync(client, prompt, streaming);
            var withoutData = await SentAsync(client, textOnly, streaming);
            Assert.Equal(withoutData.ToJsonString(), withData.ToJsonString());
            Assert.Equal(prompt[0].Text, withData["messages"]![0]!["content"]!.GetValue<string>()); // the system prompt, as one string
        }
    }

    private async Task<JsonNode> SentAsync(IChatClient client, IReadOnlyList<ChatMessage> prompt, bool streaming)
    {
        if (streaming)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(prompt))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(prompt);
        }

        return _chat.Model.Requests.Last();
    }

    [Fact]
    public async Task A_model_that_goes_silent_is_cut_off_and_reported()
    {
        _chat.Model.StallAfterChunks = 3;
        try
        {
            var fan = _chat.Fan(Guid.NewGuid());
            var watch = Stopwatch.StartNew();
            var events = await ChatServiceFixture.AskStreamingAsync(fan, new { creator_id = "kitchen-lab", message = "What is a good sear?" });
            watch.Stop();

            Assert.Equal("error", events[^1].Event);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), watch.Elapsed.ToString());
            var messages = await ChatServiceFixture.MessagesAsync(fan, events[^1].Data!["conversation_id"]!.GetValue<Guid>());
            Assert.Equal("failed", messages[1]!["status"]!.GetValue<string>());
            Assert.StartsWith("As I showed:", messages[1]!["content"]!.GetValue<string>()); // what was said is kept
        }
        finally
        {
            _chat.Model.StallAfterChunks = null;
        }
    }

    [Fact]
    public void Connection_strings_are_validated()
    {
        var parsed = LlmConnection.Parse("Endpoint=http://ollama:11434/v1;Model=llama3.1");
        Assert.Null(parsed.Key);
        Assert.Equal("llama3.1", parsed.Model);
        Assert.Throws<InvalidOperationException>(() => LlmConnection.Parse("Key=x;Model=y"));
        Assert.Throws<InvalidOperationException>(() => LlmConnection.Parse("Endpoint=ftp://x;Model=y"));
        Assert.Throws<InvalidOperationException>(() => LlmConnection.Parse("Endpoint=https://api.openai.com/v1"));
    }
}

[Collection(InfrastructureCollection.Name)]
public sealed class ModelDownTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly ModelDownChatFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task Json_gets_a_503_problem_and_the_question_is_kept()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        using var response = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = "kitchen-lab", message = "Why knead?" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Contains("model is not responding", problem["detail"]!.GetValue<string>());
        var messages = await ChatServiceFixture.MessagesAsync(fan, problem["conversation_id"]!.GetValue<Guid>());
        Assert.Equal("Why knead?", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("failed", messages[1]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streams_get_an_error_event_and_the_service_stays_healthy()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var events = await ChatServiceFixture.AskStreamingAsync(fan, new { creator_id = "kitchen-lab", message = "What is a good sear?" });

        var error = Assert.Single(events);
        Assert.Equal("error", error.Event);
        Assert.Contains("try again", error.Data!["detail"]!.GetValue<string>());
        Assert.Single(await ChatServiceFixture.MessagesAsync(fan, error.Data!["conversation_id"]!.GetValue<Guid>()), m => m!["role"]!.GetValue<string>() == "user");

        using var alive = await _chat.Client(null).GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        using var openAi = await fan.PostJsonAsync("/v1/chat/completions", new { model = "kitchen-lab", stream = true, messages = new object[] { new { role = "user", content = "hi there, what is a sear" } } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, openAi.StatusCode);
        Assert.Equal("model_unavailable", (await openAi.ReadJsonAsync())["error"]!["code"]!.GetValue<string>());
    }
}
