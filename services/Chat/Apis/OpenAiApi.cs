using System.Security.Claims;
using System.Text.Json;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
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

    public static async Task<IResult> ListModels(CreatorDirectory creators, CancellationToken cancellationToken)
    {
        var active = await creators.ListActiveAsync(cancellationToken);
        return active is null
            ? Error(StatusCodes.Status503ServiceUnavailable, "The list of creators cannot be loaded right now.", "server_error", null, "service_unavailable")
            : TypedResults.Ok(new OpenAiModelList("list", active.Select(ToModel).ToList()));
    }

    public static async Task<IResult> GetModel([FromRoute(Name = "id")] string creatorSlug, CreatorDirectory creators, CancellationToken cancellationToken)
    {
        var lookup = await creators.FindAsync(creatorSlug, cancellationToken);
        return lookup.Status switch
        {
            LookupStatus.Found => TypedResults.Ok(ToModel(lookup.Creator!)),
            LookupStatus.NotFound => Error(StatusCodes.Status404NotFound, $"The model '{creatorSlug}' does not exist.", "invalid_request_error", "model", "model_not_found"),
            _ => Error(StatusCodes.Status503ServiceUnavailable, "The creator cannot be loaded right now.", "server_error", null, "service_unavailable"),
        };
    }

    private static OpenAiModel ToModel(CreatorProfile creator) =>
        new(creator.Slug, "model", creator.CreatedAt?.ToUnixTimeSeconds() ?? 0, "creatorchat");

    public static async Task<IResult> ChatCompletions(
        [FromBody] JsonElement body, HttpContext context, ClaimsPrincipal user, ChatPipeline pipeline, TimeProvider timeProvider)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = OpenAiRequestParser.Parse(body, errors);
        if (request is null)
        {
            var (field, messages) = errors.First();
            return Error(StatusCodes.Status400BadRequest, $"{field}: {messages[0]}", "invalid_request_error", field, "invalid_request", errors);
        }

        var turnRequest = new TurnRequest(user.GetUserId()!.Value, request.CreatorSlug, request.Question, null, Transport, Persist: false,
            request.History, request.MaxTokens);
        var (turn, problem) = await pipeline.PrepareAsync(turnRequest, context.RequestAborted);
        if (problem is not null)
        {
            return problem.Status == StatusCodes.Status404NotFound
                ? Error(StatusCodes.Status404NotFound, $"The model '{request.CreatorSlug}' does not exist.", "invalid_request_error", "model", "model_not_found")
                : Error(problem.Status, problem.Detail, "server_error", null, "service_unavailable");
        }

        var id = "chatcmpl-" + turn!.AnswerId.ToString("N");
        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            var sink = new OpenAiStream(context.Response, id, created, request.CreatorSlug, request.IncludeUsage);
            await pipeline.GenerateAsync(turn, sink, context.RequestAborted);
            return TypedResults.Empty;
        }

        var result = await pipeline.GenerateAsync(turn, NullTurnSink.Instance, context.RequestAborted);
        if (result.Failed)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, result.ErrorDetail ?? "The answer failed.", "server_error", null, "model_unavailable");
        }

        return TypedResults.Ok(new OpenAiCompletion(
            id, "chat.completion", created, request.CreatorSlug,
            [new OpenAiChoice(0, new OpenAiAssistantMessage("assistant", result.Text, null), null, result.FinishReason)],
            OpenAiUsage.From(result.Usage), null, result.Citations.Select(CitationView.From).ToList(), result.Cached));
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
}
