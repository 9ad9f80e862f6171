using System.Threading.Channels;
using CreatorChat.Chat.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// Group commit for chat's inserts. Every turn writes its question (and, for a new conversation,
/// the conversation) before answering, and its answer at the end; under load hundreds of such
/// writes a second arrive together. They are queued and written by one loop: whatever has queued
/// while the previous batch was in flight goes out as one transaction of two array inserts, so the
/// database does one commit and one round trip per batch instead of per message. A caller's write
/// is durable when its task completes. If a batch fails, its writes are retried one by one, so one
/// bad row (say, a conversation deleted while its answer streamed) fails alone. A row already there (the question
/// of a retried turn, whose ids <see cref="TurnIdentity"/> derives) is left as it is.
/// </summary>
public sealed class WriteBatcher(NpgsqlDataSource dataSource, ILogger<WriteBatcher> logger) : BackgroundService
{
    public const int MaxBatch = 256;

    /// <summary>A frozen database fails a batch after this long instead of holding every turn behind it.</summary>
    public static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Pending(ConversationRowWrite? Conversation, MessageRowWrite Message, TaskCompletionSource Done);

    /// <summary>Writes (optionally) a new conversation and a message; completes once committed.</summary>
    public Task WriteAsync(ConversationRowWrite? conversation, MessageRowWrite message)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(conversation, message, done)))
        {
            done.SetException(new InvalidOperationException("The chat service is shutting down."));
        }

        return done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await WriteBatchAsync(batch);
                batch.Clear();
            }
        }
        catch (ChannelClosedException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Let what is queued be written before the process ends.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        using var budget = new CancellationTokenSource(BatchTimeout);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(budget.Token);
            await using var transaction = await connection.BeginTransactionAsync(budget.Token);
            await InsertAsync(connection, transaction, batch, budget.Token);
            await transaction.CommitAsync(budget.Token);
            foreach (var item in batch)
            {
                item.Done.TrySetResult();
            }
        }
        catch (PostgresException ex) when (batch.Count > 1 && !ex.IsTransient)
        {
            // One bad row (say, a conversation deleted while its answer streamed) must fail alone;
            // a database that is down or frozen fails the whole batch at once instead (below).
            logger.LogDebug("A batch of {Count} writes failed ({Reason}); writing them one by one", batch.Count, ex.GetType().Name);
            foreach (var item in batch)
            {
                await WriteBatchAsync([item]);
            }
        }
        catch (Exception ex)
        {
            foreach (var item in batch)
            {
                item.Done.TrySetException(ex);
            }
        }
    }

    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<Pending> batch, CancellationToken cancellationToken)
    {
        var conversations = batch.Where(p => p.Conversation is not null).Select(p => p.Conversation!).ToList();
        if (conversations.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO conversations (id, user_id, creator_id, title, created_at, updated_at)
                SELECT id, user_id, creator_id, title, created_at, created_at
                FROM unnest(@Ids, @UserIds, @CreatorSlugs, @Titles, @CreatedAts) AS c(id, user_id, creator_id, title, created_at)
                ON CONFLICT (id) DO NOTHING
                """,
                new
                {
                    Ids = conversations.Select(c => c.Id).ToArray(),
                    UserIds = conversations.Select(c => c.UserId).ToArray(),
                    CreatorSlugs = conversations.Select(c => c.CreatorSlug).ToArray(),
                    Titles = conversations.Select(c => c.Title).ToArray(),
                    CreatedAts = conversations.Select(c => c.CreatedAt).ToArray(),
                },
                transaction, cancellationToken: cancellationToken));
        }

        var messages = batch.Select(p => p.Message).ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO messages (id, conversation_id, creator_id, role, content, citations, usage, status, cached, latency_ms,
                                  reply_to, question_key, outcome, top_score, model, created_at, degraded)
            SELECT id, conversation_id, creator_id, role, content, citations::jsonb, usage::jsonb, status, cached, latency_ms,
                   reply_to, question_key, outcome, top_score, model, created_at, degraded
            FROM unnest(@Ids, @ConversationIds, @CreatorSlugs, @Roles, @Contents, @Citations, @Usages, @Statuses, @Cached, @Latencies,
                        @ReplyTos, @QuestionKeys, @Outcomes, @TopScores, @Models, @CreatedAts, @Degraded)
                 AS m(id, conversation_id, creator_id, role, content, citations, usage, status, cached, latency_ms,
                      reply_to, question_key, outcome, top_score, model, created_at, degraded)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                Ids = messages.Select(m => m.Id).ToArray(),
                ConversationIds = messages.Select(m => m.ConversationId).ToArray(),
                CreatorSlugs = messages.Select(m => m.CreatorSlug).ToArray(),
                Roles = messages.Select(m => m.Role).ToArray(),
                Contents = messages.Select(m => m.Content).ToArray(),
                Citations = messages.Select(m => m.Citations).ToArray(),
                Usages = messages.Select(m => m.Usage).ToArray(),
                Statuses = messages.Select(m => m.Status).ToArray(),
                Cached = messages.Select(m => m.Cached).ToArray(),
                Latencies = messages.Select(m => m.LatencyMs).ToArray(),
                ReplyTos = messages.Select(m => m.ReplyTo).ToArray(),
                QuestionKeys = messages.Select(m => m.QuestionKey).ToArray(),
                Outcomes = messages.Select(m => m.Outcome).ToArray(),
                TopScores = messages.Select(m => m.TopScore).ToArray(),
                Models = messages.Select(m => m.Model).ToArray(),
                CreatedAts = messages.Select(m => m.CreatedAt).ToArray(),
                Degraded = messages.Select(m => m.Degraded).ToArray(),
            },
            transaction, cancellationToken: cancellationToken));
    }
}
