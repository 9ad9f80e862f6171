using System.Security.Claims;
using System.Text.Json;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Mvc;

namespace CreatorChat.Chat.Apis;

public static class ChatApi
{
    public const string Transport = "http";
    public const string SseTransport = "sse";

    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/chat", Chat)
            .WithName("Chat")
            .WithTags("Chat")
            .WithSummary("Ask a creator a question")
            .WithDescription("Body {creator_id, message, conversation_id?}. Accept: application/json → the whole answer; Accept: text/event-stream → server-sent events delta {text}…, citations […], done {conversation_id, message_id, cached, usage}, or error {detail}.")
            .Accepts<JsonElement>("application/json")
            .Produces<ChatResponseView>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization();
        return app;
    }

    public static async Task<IResult> Chat(
        [FromBody] JsonElement body, HttpContext context, ClaimsPrincipal user, ChatPipeline pipeline)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = ChatRequestParser.Parse(body, errors);
        if (input is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var streaming = WantsEventStream(context.Request);
        var request = new TurnRequest(user.GetUserId()!.Value, input.CreatorSlug, input.Message, input.ConversationId,
            streaming ? SseTransport : Transport, Persist: true, TurnId: TurnIdentity.From(context.Request));
        var (turn, problem) = await pipeline.PrepareAsync(request, context.RequestAborted);
        if (problem is not null)
        {
            return ToResult(problem, context);
        }

        if (streaming)
        {
            await pipeline.GenerateAsync(turn!, new ServerSentEventsSink(context.Response), context.RequestAborted);
            return TypedResults.Empty;
        }

        var result = await pipeline.GenerateAsync(turn!, NullTurnSink.Instance, context.RequestAborted);
        if (result.Failed)
        {
            context.Response.Headers.RetryAfter = DependencyUnavailable.RetryAfterSeconds;
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Answer unavailable",
                detail: result.ErrorDetail,
                extensions: new Dictionary<string, object?> { ["conversation_id"] = result.ConversationId, ["message_id"] = result.AnswerId });
        }

        return TypedResults.Ok(ChatResponseView.From(result));
    }

    public static bool WantsEventStream(HttpRequest request)
    {
        foreach (var value in request.Headers.Accept)
        {
            if (value is not null && value.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static IResult ToResult(TurnProblem problem, HttpContext context)
    {
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = DependencyUnavailable.RetryAfterSeconds;
        }

        return ToResult(problem);
    }

    public static IResult ToResult(TurnProblem problem) =>
        problem.Errors is { Count: > 0 } errors
            ? TypedResults.ValidationProblem(errors, title: problem.Title, detail: problem.Detail)
            : TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail);
}
