using System.Text.Json;
using CreatorChat.Chat.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>Conversations and messages in <c>chatdb</c>. Every read and write is scoped to its user.</summary>
public sealed class ConversationStore(NpgsqlDataSource dataSource, WriteBatcher writes, DatabaseBreaker breaker)
{
    private const string HistoryStatuses = "('complete', 'stopped')";

    /// <summary>
    /// Saves the fan's question (in a new conversation when <paramref name="conversationId"/> is null). With the gateway's
    /// <paramref name="turnId"/> the ids come from <see cref="TurnIdentity"/>, so a retry of a turn already started finds
    /// its question (and conversation) in place and stores nothing again.
    /// </summary>
    public Task<TurnStart> StartTurnAsync(
        Guid userId, string creatorSlug, Guid? conversationId, string question, string questionKey, string title,
        int historyLimit, DateTimeOffset now, CancellationToken cancellationToken, Guid? turnId = null) =>
        breaker.RunAsync(token => StartTurnCoreAsync(userId, creatorSlug, conversationId, question, questionKey, title, historyLimit, now, turnId, token), cancellationToken);

    private async Task<TurnStart> StartTurnCoreAsync(
        Guid userId, string creatorSlug, Guid? conversationId, string question, string questionKey, string title,
        int historyLimit, DateTimeOffset now, Guid? turnId, CancellationToken cancellationToken)
    {
        var messageId = turnId is { } turn ? TurnIdentity.Derive(turn, userId, "question") : Guid.CreateVersion7(now);
        if (conversationId is null)
        {
            // A new conversation: nothing to read and nothing that can be refused, so the question joins
            // the next group commit and the caller goes on (it awaits Saved before answering).
            var newId = turnId is { } first ? TurnIdentity.Derive(first, userId, "conversation") : Guid.CreateVersion7(now);
            breaker.ThrowIfOpen();
            var saved = breaker.RunAsync(token => writes.WriteAsync(
                new ConversationRowWrite(newId, userId, creatorSlug, title, now),
                new MessageRowWrite(messageId, newId, creatorSlug, MessageRoles.User, question, "[]", null, MessageStatuses.Complete,
                    false, null, null, questionKey, null, null, null, now)).WaitAsync(token), CancellationToken.None);
            return new TurnStart(TurnStartStatus.Started, newId, messageId, [], saved);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            WITH conversation AS (
                UPDATE conversations SET updated_at = @Now
                WHERE id = @ConversationId AND user_id = @UserId AND creator_id = @CreatorSlug
                RETURNING id
            )
            INSERT INTO messages (id, conversation_id, creator_id, role, content, status, question_key, created_at)
            SELECT @MessageId, conversation.id, @CreatorSlug, 'user', @Content, 'complete', @QuestionKey, @Now FROM conversation
            ON CONFLICT (id) DO NOTHING
            RETURNING id;

            SELECT creator_id FROM conversations WHERE id = @ConversationId AND user_id = @UserId;

            SELECT role AS Role, content AS Content FROM messages
            WHERE conversation_id = @ConversationId AND id <> @MessageId AND status IN {HistoryStatuses} AND content <> ''
              AND EXISTS (SELECT 1 FROM conversations WHERE id = @ConversationId AND user_id = @UserId)
            ORDER BY created_at DESC, id DESC
            LIMIT @HistoryLimit;
            """,
            new { ConversationId = conversationId, UserId = userId, CreatorSlug = creatorSlug, Now = now, MessageId = messageId, Content = question, QuestionKey = questionKey, HistoryLimit = historyLimit },
            cancellationToken: cancellationToken));
        var inserted = (await results.ReadAsync<Guid>()).Any();
        var owner = await results.ReadSingleOrDefaultAsync<string>();
        var history = (await results.ReadAsync<(string Role, string Content)>()).Reverse().Select(t => new HistoryTurn(t.Role, t.Content)).ToList();
        // Not inserted although the conversation is the user's with this creator: the question of this turn is already
        // there (a retry of the same turn id), and this attempt answers it.
        if (!inserted && owner != creatorSlug)
        {
            return new TurnStart(owner is null ? TurnStartStatus.ConversationNotFound : TurnStartStatus.WrongCreator, conversationId.Value, Guid.Empty, [], Task.CompletedTask);
        }

        return new TurnStart(TurnStartStatus.Started, conversationId.Value, messageId, history, Task.CompletedTask);
    }

    public Task SaveAnswerAsync(AnswerRecord answer, CancellationToken cancellationToken) =>
        breaker.RunAsync(token => writes.WriteAsync(null, new MessageRowWrite(
            answer.Id, answer.ConversationId, answer.CreatorSlug, MessageRoles.Assistant, answer.Content,
            JsonSerializer.Serialize(answer.Citations, Microsoft.Extensions.Hosting.ApiJson.Options),
            answer.Usage is null ? null : JsonSerializer.Serialize(answer.Usage, Microsoft.Extensions.Hosting.ApiJson.Options),
            answer.Status, answer.Cached, answer.LatencyMs, answer.ReplyTo, null, answer.Outcome,
            answer.TopScore is { } score ? (float)score : null, answer.Model, answer.CreatedAt, answer.Degraded)).WaitAsync(token), cancellationToken);

    public Task<IReadOnlyList<ConversationRow>> ListConversationsAsync(
        Guid userId, string? creatorSlug, (DateTimeOffset UpdatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken) =>
        breaker.RunAsync(token => ListConversationsCoreAsync(userId, creatorSlug, after, limit, token), cancellationToken);

    private async Task<IReadOnlyList<ConversationRow>> ListConversationsCoreAsync(
        Guid userId, string? creatorSlug, (DateTimeOffset UpdatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ConversationRow>(new CommandDefinition(
            """
            SELECT id AS Id, creator_id AS CreatorSlug, title AS Title, created_at AS CreatedAt, updated_at AS UpdatedAt
            FROM conversations
            WHERE user_id = @UserId
              AND (@CreatorSlug::text IS NULL OR creator_id = @CreatorSlug)
              AND (@AfterAt::timestamptz IS NULL OR (updated_at, id) < (@AfterAt, @AfterId))
            ORDER BY updated_at DESC, id DESC
            LIMIT @Limit
            """,
            new { UserId = userId, CreatorSlug = creatorSlug, AfterAt = after?.UpdatedAt, AfterId = after?.Id ?? Guid.Empty, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The conversation's messages, oldest first; null when it is not this user's.</summary>
    public Task<IReadOnlyList<MessageRow>?> GetMessagesAsync(Guid userId, Guid conversationId, int limit, CancellationToken cancellationToken) =>
        breaker.RunAsync(token => GetMessagesCoreAsync(userId, conversationId, limit, token), cancellationToken);

    private async Task<IReadOnlyList<MessageRow>?> GetMessagesCoreAsync(Guid userId, Guid conversationId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT 1 FROM conversations WHERE id = @ConversationId AND user_id = @UserId;

            SELECT * FROM (
                SELECT m.id AS Id, m.role AS Role, m.content AS Content, m.citations::text AS Citations, m.status AS Status, m.degraded AS Degraded,
                       m.created_at AS CreatedAt, m.feedback_rating AS FeedbackRating, m.feedback_comment AS FeedbackComment,
                       m.feedback_at AS FeedbackAt
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.conversation_id = @ConversationId AND c.user_id = @UserId
                ORDER BY m.created_at DESC, m.id DESC
                LIMIT @Limit
            ) recent
            ORDER BY CreatedAt, Id;
            """,
            new { ConversationId = conversationId, UserId = userId, Limit = limit },
            cancellationToken: cancellationToken));
        if (!(await results.ReadAsync<int>()).Any())
        {
            return null;
        }

        return (await results.ReadAsync<MessageRow>()).AsList();
    }

    public Task<bool> DeleteConversationAsync(Guid userId, Guid conversationId, CancellationToken cancellationToken) =>
        breaker.RunAsync(token => DeleteConversationCoreAsync(userId, conversationId, token), cancellationToken);

    private async Task<bool> DeleteConversationCoreAsync(Guid userId, Guid conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM conversations WHERE id = @ConversationId AND user_id = @UserId",
            new { ConversationId = conversationId, UserId = userId }, cancellationToken: cancellationToken)) > 0;
    }

    /// <returns>The message's role when it is this user's (feedback saved only for assistant messages), else null.</returns>
    public Task<string?> SetFeedbackAsync(Guid userId, Guid messageId, short rating, string? comment, DateTimeOffset now, CancellationToken cancellationToken) =>
        breaker.RunAsync(token => SetFeedbackCoreAsync(userId, messageId, rating, comment, now, token), cancellationToken);

    private async Task<string?> SetFeedbackCoreAsync(Guid userId, Guid messageId, short rating, string? comment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            """
            WITH target AS (
                SELECT m.id, m.role FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.id = @MessageId AND c.user_id = @UserId
            ), updated AS (
                UPDATE messages SET feedback_rating = @Rating, feedback_comment = @Comment, feedback_at = @Now
                WHERE id IN (SELECT id FROM target WHERE role = 'assistant')
                RETURNING id
            )
            SELECT role FROM target
            """,
            new { MessageId = messageId, UserId = userId, Rating = rating, Comment = comment, Now = now },
            cancellationToken: cancellationToken));
    }
}
