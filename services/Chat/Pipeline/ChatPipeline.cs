using System.Diagnostics;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Llm;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Text;
using CreatorChat.ServiceDefaults.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CreatorChat.Chat.Pipeline;

/// <summary>
/// One chat turn, whatever the transport: load the creator's persona, save the question, answer from
/// the cache or from the creator's videos (search → prompt → model, streamed), map the passage
/// markers to citations, and save the answer — complete, stopped (client gone or stop) or failed
/// (model down) — before the transport is told the turn ended.
/// </summary>
public sealed partial class ChatPipeline(
    CreatorDirectory creators,
    ConversationStore store,
    RetrievalClient retrieval,
    KnowledgeVersions knowledge,
    AnswerCache cache,
    IChatClient model,
    ActiveStreams streams,
    ChatMetrics metrics,
    IOptions<ChatServiceOptions> options,
    IOptions<ChatModelOptions> modelOptions,
    TimeProvider timeProvider,
    DependencyFaults faults,
    ILogger<ChatPipeline> logger)
{
    public const string RetrievalUnavailableAnswer =
        "I can't search my videos right now, so I can't give you an answer I could back up with them. " +
        "Please ask me again in a minute or two.";

    public const string ModelUnavailableDetail =
        "The answer could not be generated: the model is not responding right now. Your question was saved; please try again shortly.";

    public const string ModelUnavailableStatelessDetail =
        "The answer could not be generated: the model is not responding right now. Please try again shortly.";

    public const string SaveFailedDetail = "The answer could not be saved. Please try again.";

    private static readonly TimeSpan SaveBudget = TimeSpan.FromSeconds(10);

    private readonly string _modelId = model.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown";

    public string ModelId => _modelId;

    /// <summary>Checks the creator and conversation and saves the question. Nothing has been streamed yet.</summary>
    public async Task<(PreparedTurn? Turn, TurnProblem? Problem)> PrepareAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetTimestamp();
        var lookup = await creators.FindAsync(request.CreatorSlug, cancellationToken);
        if (lookup.Status == LookupStatus.NotFound)
        {
            return (null, new TurnProblem(StatusCodes.Status404NotFound, "Creator not found", $"No creator '{request.CreatorSlug}'."));
        }

        if (lookup.Status == LookupStatus.Unavailable)
        {
            return (null, new TurnProblem(StatusCodes.Status503ServiceUnavailable, "Creator unavailable",
                "The creator's profile cannot be loaded right now. Please try again shortly."));
        }

        var creator = lookup.Creator!;
        var question = request.Message.Trim();
        var questionKey = TextAnalysis.NormalizeQuestion(question);
        var historyLimit = options.Value.HistoryMessages;
        if (!request.Persist)
        {
            var context = ConversationContext.Select(request.History ?? [], question, historyLimit);
            return (new PreparedTurn(request, creator, question, questionKey, context, null, null, Guid.CreateVersion7(timeProvider.GetUtcNow()), startedAt, Task.CompletedTask), null);
        }

        var start = await store.StartTurnAsync(
            request.UserId, creator.Slug, request.ConversationId, question, questionKey, Title(question), historyLimit,
            timeProvider.GetUtcNow(), cancellationToken, request.TurnId);
        switch (start.Status)
        {
            case TurnStartStatus.ConversationNotFound:
                return (null, new TurnProblem(StatusCodes.Status404NotFound, "Conversation not found", $"No conversation '{request.ConversationId}'."));
            case TurnStartStatus.WrongCreator:
                return (null, new TurnProblem(StatusCodes.Status400BadRequest, "Conversation is with another creator",
                    "This conversation is with another creator: start a new conversation to talk to this one.",
                    new Dictionary<string, string[]> { ["conversation_id"] = ["The conversation belongs to another creator."] }));
        }

        var turnContext = ConversationContext.Select(start.History, question, historyLimit);
        return (new PreparedTurn(request, creator, question, questionKey, turnContext, start.ConversationId, start.UserMessageId,
            Guid.CreateVersion7(timeProvider.GetUtcNow()), startedAt, start.Saved), null);
    }

    /// <summary>
    /// Answers a prepared turn into <paramref name="sink"/>. Cancelling <paramref name="cancellationToken"/>
    /// (client gone, stop) ends the answer as <c>stopped</c> with what was produced so far.
    /// </summary>
    public async Task<TurnResult> GenerateAsync(PreparedTurn turn, ITurnSink sink, CancellationToken cancellationToken)
    {
        using var lease = streams.Begin();
        using var activity = ChatMetrics.ActivitySource.StartActivity("chat.turn");
        activity?.SetTag("creatorchat.creator", turn.Creator.Slug);
        activity?.SetTag("creatorchat.transport", turn.Request.Transport);
        activity?.SetTag("creatorchat.conversation_id", turn.ConversationId?.ToString());

        var state = new TurnState();
        TurnResult result;
        try
        {
            result = await AnswerAsync(turn, sink, state, cancellationToken);
        }
        catch (QuestionNotSavedException ex)
        {
            if (DependencyUnavailable.Of(ex.InnerException!) is { } dependency)
            {
                faults.Report(dependency, ex.InnerException!); // once per outage, not once per fan
            }
            else
            {
                LogQuestionNotSaved(ex.InnerException!, turn.ConversationId);
            }

            result = new TurnResult(turn.ConversationId, turn.AnswerId, "", [], false, null, MessageStatuses.Failed, null, _modelId,
                "Your question could not be saved, so it was not answered. Please try again shortly.");
            state.Saved = result; // nothing to save an answer to
            await TryAsync(() => sink.FailAsync(result, CancellationToken.None));
        }
        catch (Exception ex) when (IsStop(ex, cancellationToken))
        {
            result = await EndStoppedAsync(turn, sink, state);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug or an unforeseen failure: the fan gets an error event / 503, never a hung stream.
            LogUnexpected(ex, turn.Creator.Slug);
            result = new TurnResult(turn.ConversationId, turn.AnswerId, state.Tracker?.Text ?? "", [], false, null, MessageStatuses.Failed,
                null, _modelId, "The answer could not be generated. Please try again.");
            await SaveAsync(turn, state, result);
            await TryAsync(() => sink.FailAsync(result, CancellationToken.None));
        }

        var elapsed = timeProvider.GetElapsedTime(turn.StartedAt);
        metrics.Turn(turn.Request.Transport, result.Status, result.Outcome, result.Cached, elapsed, state.TimeToFirstToken);
        activity?.SetTag("creatorchat.status", result.Status);
        activity?.SetTag("creatorchat.outcome", result.Outcome);
        activity?.SetTag("creatorchat.cached", result.Cached);
        if (result.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.ErrorDetail);
        }

        return result;
    }

    private async Task<TurnResult> AnswerAsync(PreparedTurn turn, ITurnSink sink, TurnState state, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var creatorSlug = turn.Creator.Slug;
        var cacheable = turn.Request.MaxOutputTokens is null;
        var contextKey = ConversationContext.CacheKey(turn.Context);
        var persona = PersonaFingerprint(turn.Creator);

        if (cacheable)
        {
            var version = await knowledge.GetAsync(creatorSlug, cancellationToken);
            if (version is null)
            {
                metrics.CacheLookup("skipped");
            }
            else
            {
                var (_, hit) = await cache.GetAsync(AnswerCache.Key(creatorSlug, version, _modelId, persona, turn.QuestionKey, contextKey));
                if (hit is not null)
                {
                    return await ServeAsync(turn, sink, state, hit.Text, hit.Citations, hit.Outcome, hit.TopScore, cached: true, usage: null, hit.Model, cancellationToken);
                }
            }
        }

        SearchResult search;
        using (var searchActivity = ChatMetrics.ActivitySource.StartActivity("chat.search"))
        {
            try
            {
                search = await retrieval.SearchAsync(creatorSlug, ConversationContext.SearchQuery(turn.Context, turn.Question),
                    settings.PassageCount, settings.MinScore, cancellationToken);
                searchActivity?.SetTag("creatorchat.passages", search.Passages.Count);
            }
            catch (RetrievalUnavailableException ex)
            {
                searchActivity?.SetStatus(ActivityStatusCode.Error, ex.Reason);
                metrics.RetrievalFailed(ex.Reason);
                return await ServeAsync(turn, sink, state, RetrievalUnavailableAnswer, [], TurnOutcomes.RetrievalUnavailable, null, cached: false, usage: null, "none", cancellationToken);
            }
        }

        IReadOnlyList<Passage> passages = search.Confidence < settings.MinConfidence ? [] : search.Passages; // "the videos don't cover this"
        var topScore = passages.Count == 0 ? (double?)null : passages.Max(p => p.Score);
        var tracker = new CitationTracker(passages);
        state.Tracker = tracker;
        state.TopScore = topScore;

        await QuestionSavedAsync(turn); // the question is kept before the model says a word
        var prompt = PromptBuilder.Build(turn.Creator, passages, turn.Context, turn.Question, search.Confidence);
        var (usage, failure, finishReason) = await StreamModelAsync(turn, prompt, tracker, sink, state, cancellationToken);
        var rest = tracker.Complete();
        if (rest.Length > 0)
        {
            await WriteAsync(sink, state, turn, rest, cancellationToken);
        }

        var citations = tracker.Citations();
        var text = tracker.Text;
        if (failure is not null)
        {
            LogModelFailed(failure, creatorSlug, failure.GetType().Name);
            var failed = new TurnResult(turn.ConversationId, turn.AnswerId, text, citations, false, usage, MessageStatuses.Failed,
                null, _modelId, turn.Request.Persist ? ModelUnavailableDetail : ModelUnavailableStatelessDetail);
            await SaveAsync(turn, state, failed);
            await TryAsync(() => sink.FailAsync(failed, CancellationToken.None));
            return failed;
        }

        var outcome = citations.Count > 0 ? TurnOutcomes.Answered : TurnOutcomes.NotCovered;
        var result = new TurnResult(turn.ConversationId, turn.AnswerId, text, citations, false, usage, MessageStatuses.Complete, outcome, _modelId, null,
            finishReason == ChatFinishReason.Length ? "length" : "stop");
        if (!await SaveAsync(turn, state, result))
        {
            return await SaveFailedAsync(turn, sink, result);
        }

        await sink.CompleteAsync(result, cancellationToken);
        if (cacheable)
        {
            await cache.SetAsync(AnswerCache.Key(creatorSlug, search.KnowledgeVersion, _modelId, persona, turn.QuestionKey, contextKey),
                new CachedAnswer(text, citations, outcome, topScore, _modelId));
        }

        return result;
    }

    public static string PersonaFingerprint(CreatorProfile creator) =>
        string.Join('\u001F', creator.Name, creator.Specialty ?? "", creator.Persona ?? "");

    /// <summary>A conversation is titled after its first question.</summary>
    public static string Title(string question) => TextAnalysis.Truncate(TextAnalysis.CollapseWhitespace(question), ChatLimits.TitleMaxLength);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answer for creator {Slug} failed: the model is unavailable ({ErrorType})")]
    private partial void LogModelFailed(Exception exception, string slug, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "The question of conversation {ConversationId} could not be saved: not answered")]
    private partial void LogQuestionNotSaved(Exception exception, Guid? conversationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answer for creator {Slug} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string slug);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answer {AnswerId} ({Status}) could not be saved")]
    private partial void LogSaveFailed(Exception exception, Guid answerId, string status);
}
