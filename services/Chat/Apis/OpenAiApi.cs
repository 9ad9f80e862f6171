using System.Buffers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Mvc;

namespace CreatorChat.Chat.Apis;

/// <summary>
/// The OpenAI Chat Completions API, so any OpenAI SDK can talk to a creator: the model is the
/// creator's slug and the API key is the user's access token. Stateless like OpenAI's (clients send
/// the history; nothing is stored as a conversation). Answers carry their citations in an extra
/// <c>citations</c> field that SDKs ignore and CreatorChat-aware clients read. Errors are problem
/// documents that also carry OpenAI's <c>error</c> object.
/// </summary>
public static class OpenAiApi
{
    public const string Transport = "openai";
    public const int MaxHistoryMessageLength = 16_000;

    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI-compatible").RequireAuthorization();
        api.MapPost("/chat/completions", ChatCompletions).WithName("OpenAiChatCompletions")
            .WithSummary("OpenAI-compatible chat completion (model = creator slug; stream supported)")
            .Accepts<JsonElement>("application/json");
        api.MapGet("/models", ListModels).WithName("OpenAiModels").WithSummary("One model per active creator");
        api.MapGet("/models/{id}", GetModel).WithName("OpenAiModel");
        return app;
    }

    public sealed record ModelView(string Id, string Object, long Created, string OwnedBy);

    public sealed record ModelList(string Object, IReadOnlyList<ModelView> Data);

    public static async Task<IResult> ListModels(CreatorDirectory creators, CancellationToken cancellationToken)
    {
        var active = await creators.ListActiveAsync(cancellationToken);
        return active is null
            ? Error(StatusCodes.Status503ServiceUnavailable, "The list of creators cannot be loaded right now.", "server_error", null, "service_unavailable")
            : TypedResults.Ok(new ModelList("list", active.Select(ToModel).ToList()));
    }

    public static async Task<IResult> GetModel(string id, CreatorDirectory creators, CancellationToken cancellationToken)
    {
        var lookup = await creators.FindAsync(id, cancellationToken);
        return lookup.Status switch
        {
            LookupStatus.Found => TypedResults.Ok(ToModel(lookup.Creator!)),
            LookupStatus.NotFound => Error(StatusCodes.Status404NotFound, $"The model '{id}' does not exist.", "invalid_request_error", "model", "model_not_found"),
            _ => Error(StatusCodes.Status503ServiceUnavailable, "The creator cannot be loaded right now.", "server_error", null, "service_unavailable"),
        };
    }

    private static ModelView ToModel(CreatorProfile creator) =>
        new(creator.Slug, "model", creator.CreatedAt?.ToUnixTimeSeconds() ?? 0, "creatorchat");

    public static async Task<IResult> ChatCompletions(
        [FromBody] JsonElement body, HttpContext context, ClaimsPrincipal user, ChatPipeline pipeline, TimeProvider timeProvider)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = CompletionRequest.Parse(body, errors);
        if (request is null)
        {
            var (field, messages) = errors.First();
            return Error(StatusCodes.Status400BadRequest, $"{field}: {messages[0]}", "invalid_request_error", field, "invalid_request", errors);
        }

        var turnRequest = new TurnRequest(user.GetUserId()!.Value, request.Model, request.Question, null, Transport, Persist: false,
            request.History, request.MaxTokens);
        var (turn, problem) = await pipeline.PrepareAsync(turnRequest, context.RequestAborted);
        if (problem is not null)
        {
            return problem.Status == StatusCodes.Status404NotFound
                ? Error(StatusCodes.Status404NotFound, $"The model '{request.Model}' does not exist.", "invalid_request_error", "model", "model_not_found")
                : Error(problem.Status, problem.Detail, "server_error", null, "service_unavailable");
        }

        var id = "chatcmpl-" + turn!.AnswerId.ToString("N");
        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            var sink = new CompletionStreamSink(context.Response, id, created, request.Model, request.IncludeUsage);
            await pipeline.GenerateAsync(turn, sink, context.RequestAborted);
            return TypedResults.Empty;
        }

        var result = await pipeline.GenerateAsync(turn, NullTurnSink.Instance, context.RequestAborted);
        if (result.Failed)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, result.ErrorDetail ?? "The answer failed.", "server_error", null, "model_unavailable");
        }

        return TypedResults.Ok(new Completion(
            id, "chat.completion", created, request.Model,
            [new Choice(0, new AssistantMessage("assistant", result.Text, null), null, result.FinishReason)],
            Usage.From(result.Usage), null, result.Citations.Select(CitationView.From).ToList(), result.Cached));
    }

    /// <summary>A problem document that OpenAI SDKs also understand (their <c>error</c> object).</summary>
    public static IResult Error(int status, string message, string type, string? param, string code, IDictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["error"] = new OpenAiError(message, type, param, code),
        };
        if (errors is not null)
        {
            extensions["errors"] = errors;
        }

        return TypedResults.Problem(statusCode: status, detail: message, extensions: extensions);
    }

    public sealed record OpenAiError(string Message, string Type, string? Param, string Code);

    public sealed record Completion(
        string Id, string Object, long Created, string Model, IReadOnlyList<Choice> Choices, Usage Usage, string? SystemFingerprint,
        IReadOnlyList<CitationView> Citations, bool Cached);

    public sealed record Choice(int Index, AssistantMessage Message, object? Logprobs, string FinishReason);

    public sealed record AssistantMessage(string Role, string Content, string? Refusal);

    public sealed record Usage(long PromptTokens, long CompletionTokens, long TotalTokens)
    {
        public static Usage From(TokenUsage? usage) => new(usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0,
            usage?.TotalTokens ?? ((usage?.InputTokens ?? 0) + (usage?.OutputTokens ?? 0)));
    }

    /// <summary>A validated <c>/v1/chat/completions</c> request.</summary>
    public sealed record CompletionRequest(string Model, string Question, IReadOnlyList<HistoryTurn> History, bool Stream, bool IncludeUsage, int? MaxTokens)
    {
        public static CompletionRequest? Parse(JsonElement body, Dictionary<string, string[]> errors)
        {
            if (body.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["The body must be a JSON object."];
                return null;
            }

            string? model = null;
            var stream = false;
            var includeUsage = false;
            int? maxTokens = null;
            JsonElement? messages = null;
            foreach (var property in body.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "model":
                        model = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                        if (model is null)
                        {
                            errors["model"] = ["Must be a string: the creator's slug."];
                        }

                        break;
                    case "messages":
                        messages = value;
                        break;
                    case "stream":
                        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            stream = value.GetBoolean();
                        }
                        else if (value.ValueKind != JsonValueKind.Null)
                        {
                            errors["stream"] = ["Must be a boolean."];
                        }

                        break;
                    case "stream_options":
                        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("include_usage", out var usage) && usage.ValueKind is JsonValueKind.True)
                        {
                            includeUsage = true;
                        }
                        else if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                        {
                            errors["stream_options"] = ["Must be an object."];
                        }

                        break;
                    case "max_tokens" or "max_completion_tokens":
                        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max) && max is >= 1 and <= 100_000)
                        {
                            maxTokens = max;
                        }
                        else if (value.ValueKind != JsonValueKind.Null)
                        {
                            errors[property.Name] = ["Must be an integer between 1 and 100000."];
                        }

                        break;
                    case "n":
                        if (value.ValueKind != JsonValueKind.Null && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n == 1))
                        {
                            errors["n"] = ["Only n = 1 is supported."];
                        }

                        break;
                    case "tools" or "functions":
                        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
                        {
                            errors[property.Name] = ["Tools are not supported: creators answer from their videos."];
                        }

                        break;
                    default:
                        // temperature, top_p, user, seed, … are accepted and ignored, as many OpenAI-compatible servers do.
                        break;
                }
            }

            if (model is not null && !CreatorSlug.IsValid(model))
            {
                errors["model"] = ["Not a creator slug; GET /v1/models lists them."];
            }
            else if (model is null)
            {
                errors.TryAdd("model", ["Required: the creator's slug (GET /v1/models lists them)."]);
            }

            var history = ReadMessages(messages, errors, out var question);
            return errors.Count == 0 ? new CompletionRequest(model!, question!, history, stream, includeUsage, maxTokens) : null;
        }

        private static List<HistoryTurn> ReadMessages(JsonElement? messages, Dictionary<string, string[]> errors, out string? question)
        {
            question = null;
            if (messages is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
            {
                errors["messages"] = ["Required: a non-empty array of {role, content}."];
                return [];
            }

            if (array.GetArrayLength() > ChatLimits.MaxOpenAiMessages)
            {
                errors["messages"] = [$"At most {ChatLimits.MaxOpenAiMessages} messages."];
                return [];
            }

            var turns = new List<HistoryTurn>();
            var index = 0;
            foreach (var message in array.EnumerateArray())
            {
                var field = $"messages[{index++}]";
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
                {
                    errors[field] = ["Must be an object with a string role."];
                    continue;
                }

                var role = roleElement.GetString();
                if (role is not ("system" or "developer" or "user" or "assistant" or "tool" or "function"))
                {
                    errors[field + ".role"] = ["Must be system, developer, user, assistant or tool."];
                    continue;
                }

                var content = ReadContent(message, field, errors);
                if (content is null || role is "system" or "developer" or "tool" or "function")
                {
                    // The creator's persona and rules are the system prompt; clients' system messages cannot replace them.
                    continue;
                }

                if (content.Length > MaxHistoryMessageLength || content.Contains('\0', StringComparison.Ordinal))
                {
                    errors[field + ".content"] = [$"At most {MaxHistoryMessageLength} characters, no U+0000."];
                    continue;
                }

                turns.Add(new HistoryTurn(role == "assistant" ? MessageRoles.Assistant : MessageRoles.User, content));
            }

            if (errors.Count > 0)
            {
                return [];
            }

            if (turns.Count == 0 || turns[^1].Role != MessageRoles.User)
            {
                errors["messages"] = ["The last message must be the user's question."];
                return [];
            }

            question = turns[^1].Content;
            ChatRequestParser.ValidateMessage(question, errors, $"messages[{index - 1}].content");
            turns.RemoveAt(turns.Count - 1);
            return turns;
        }

        private static string? ReadContent(JsonElement message, string field, Dictionary<string, string[]> errors)
        {
            if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            {
                return "";
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                return content.GetString();
            }

            if (content.ValueKind == JsonValueKind.Array)
            {
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                        type.GetString() == "text" && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                    {
                        text.Append(partText.GetString());
                    }
                    else
                    {
                        errors[field + ".content"] = ["Only text content parts are supported."];
                        return null;
                    }
                }

                return text.ToString();
            }

            errors[field + ".content"] = ["Must be a string or an array of text parts."];
            return null;
        }
    }

    /// <summary>Streams a turn as <c>chat.completion.chunk</c> events, ending with <c>data: [DONE]</c>.</summary>
    private sealed class CompletionStreamSink(HttpResponse response, string id, long created, string model, bool includeUsage) : ITurnSink
    {
        private readonly EventStream _events = new(response);
        private bool _sentRole;

        public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
        {
            var delta = new ChunkDelta(_sentRole ? null : "assistant", text);
            _sentRole = true;
            Write(new Chunk(id, "chat.completion.chunk", created, model, [new ChunkChoice(0, delta, null, null)], null, null, null));
            return default;
        }

        // Nothing written yet: don't commit to a 200 before the model has said anything.
        public ValueTask FlushAsync(CancellationToken cancellationToken) => _events.FlushAsync(cancellationToken);

        public async ValueTask CompleteAsync(TurnResult result, CancellationToken cancellationToken)
        {
            Write(new Chunk(id, "chat.completion.chunk", created, model,
                [new ChunkChoice(0, new ChunkDelta(_sentRole ? null : "assistant", null), null, result.FinishReason)],
                null, result.Citations.Select(CitationView.From).ToList(), result.Cached));
            if (includeUsage)
            {
                Write(new Chunk(id, "chat.completion.chunk", created, model, [], Usage.From(result.Usage), null, null));
            }

            _events.Writer.Write("data: [DONE]\n\n"u8);
            await _events.FlushAsync(cancellationToken);
        }

        public async ValueTask FailAsync(TurnResult result, CancellationToken cancellationToken)
        {
            var message = result.ErrorDetail ?? "The answer failed.";
            if (!_events.Started && !response.HasStarted)
            {
                await Error(StatusCodes.Status503ServiceUnavailable, message, "server_error", null, "model_unavailable").ExecuteAsync(response.HttpContext);
                return;
            }

            Write(new ErrorChunk(new OpenAiError(message, "server_error", null, "model_unavailable")));
            await _events.FlushAsync(cancellationToken);
        }

        private void Write<T>(T payload) => _events.Write(null, payload, StreamJson);
    }

    // OpenAI's chunks omit absent fields rather than sending nulls.
    private static readonly JsonSerializerOptions StreamJson = new(Microsoft.Extensions.Hosting.ApiJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Chunk(
        string Id, string Object, long Created, string Model, IReadOnlyList<ChunkChoice> Choices, Usage? Usage,
        IReadOnlyList<CitationView>? Citations, bool? Cached);

    private sealed record ChunkChoice(int Index, ChunkDelta Delta, object? Logprobs, string? FinishReason);

    private sealed record ChunkDelta(string? Role, string? Content);

    private sealed record ErrorChunk(OpenAiError Error);
}
