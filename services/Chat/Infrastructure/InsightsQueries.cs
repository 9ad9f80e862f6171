using CreatorChat.Chat.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// Read-only reports over <c>chatdb</c>: a creator's insights and the platform's stats. Not on any fan's
/// turn, so not behind the turn's database breaker.
/// </summary>
public sealed class InsightsQueries(NpgsqlDataSource dataSource)
{
    public async Task<(InsightTotals Totals, IReadOnlyList<QuestionStat> Top, IReadOnlyList<QuestionStat> Unanswered)> InsightsAsync(
        string creatorSlug, DateTimeOffset since, int limit, double lowConfidenceScore, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT count(*) FILTER (WHERE q.role = 'user') AS Questions,
                   count(*) FILTER (WHERE a.outcome = 'answered') AS Answered,
                   count(*) FILTER (WHERE a.outcome = 'not_covered') AS NotCovered,
                   count(*) FILTER (WHERE a.outcome = 'retrieval_unavailable') AS RetrievalUnavailable,
                   count(*) FILTER (WHERE a.feedback_rating = 1) AS ThumbsUp,
                   count(*) FILTER (WHERE a.feedback_rating = -1) AS ThumbsDown
            FROM messages q
            LEFT JOIN messages a ON a.reply_to = q.id AND a.creator_id = @CreatorSlug AND a.created_at >= @Since
            WHERE q.creator_id = @CreatorSlug AND q.role = 'user' AND q.created_at >= @Since;

            SELECT question_key AS QuestionKey, (array_agg(content ORDER BY created_at DESC))[1] AS Example,
                   count(*) AS Count, max(created_at) AS LastAskedAt, NULL::double precision AS BestScore
            FROM messages
            WHERE creator_id = @CreatorSlug AND role = 'user' AND created_at >= @Since AND question_key <> ''
            GROUP BY question_key
            ORDER BY count(*) DESC, max(created_at) DESC
            LIMIT @Limit;

            SELECT q.question_key AS QuestionKey, (array_agg(q.content ORDER BY q.created_at DESC))[1] AS Example,
                   count(*) AS Count, max(q.created_at) AS LastAskedAt, max(a.top_score)::double precision AS BestScore
            FROM messages q
            JOIN messages a ON a.reply_to = q.id AND a.creator_id = @CreatorSlug AND a.created_at >= @Since
            WHERE q.creator_id = @CreatorSlug AND q.role = 'user' AND q.created_at >= @Since AND q.question_key <> ''
              AND a.status = 'complete'
              AND (a.outcome = 'not_covered' OR (a.outcome = 'answered' AND a.top_score < @LowScore))
            GROUP BY q.question_key
            ORDER BY count(*) DESC, max(q.created_at) DESC
            LIMIT @Limit;
            """,
            new { CreatorSlug = creatorSlug, Since = since, Limit = limit, LowScore = lowConfidenceScore },
            cancellationToken: cancellationToken));
        var totals = await results.ReadSingleAsync<InsightTotals>();
        var top = (await results.ReadAsync<QuestionStat>()).AsList();
        var unanswered = (await results.ReadAsync<QuestionStat>()).AsList();
        return (totals, top, unanswered);
    }

    public async Task<ChatStats> StatsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<ChatStats>(new CommandDefinition(
            """
            SELECT (SELECT count(*) FROM conversations) AS Conversations,
                   (SELECT count(*) FROM messages WHERE created_at >= @Since) AS Messages24h,
                   (SELECT avg(CASE WHEN cached THEN 1.0 ELSE 0.0 END)::double precision FROM messages
                    WHERE role = 'assistant' AND created_at >= @Since AND status = 'complete'
                      AND outcome IN ('answered', 'not_covered')) AS CacheHitRate
            """,
            new { Since = since }, cancellationToken: cancellationToken));
    }
}
