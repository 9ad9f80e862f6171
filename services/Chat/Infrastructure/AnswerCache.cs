using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CreatorChat.Chat.Model;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// Answers in Redis under <c>chat:answer:{creator}:{knowledge version}:{digest}</c>. The digest
/// covers everything that shapes an answer besides the passages — the normalised question, the
/// context turns, the persona and the model — and the knowledge version pins the passages, so a
/// hit is exactly the answer the pipeline would compute again. Redis is optional: when it is down
/// or slow (past <see cref="ChatServiceOptions.CacheTimeout"/>) the cache simply misses.
/// </summary>
public sealed class AnswerCache(IConnectionMultiplexer redis, IOptions<ChatServiceOptions> options, ChatMetrics metrics, ILogger<AnswerCache> logger)
{
    public const string KeyPrefix = "chat:answer:";

    public static string Key(string creatorSlug, string knowledgeVersion, string model, string? persona, string questionKey, string contextKey)
    {
        var material = string.Join('\u001F', model, persona ?? "", questionKey, contextKey);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)).AsSpan(0, 16));
        return $"{KeyPrefix}{creatorSlug}:{knowledgeVersion}:{digest}";
    }

    public async Task<(CacheResult Result, CachedAnswer? Answer)> GetAsync(string key)
    {
        if (!redis.IsConnected)
        {
            metrics.CacheLookup("unavailable");
            return (CacheResult.Unavailable, null);
        }

        try
        {
            var value = await redis.GetDatabase().StringGetAsync(key).WaitAsync(options.Value.CacheTimeout);
            if (value.IsNull)
            {
                metrics.CacheLookup("miss");
                return (CacheResult.Miss, null);
            }

            var answer = JsonSerializer.Deserialize<CachedAnswer>((string)value!, Microsoft.Extensions.Hosting.ApiJson.Options);
            metrics.CacheLookup(answer is null ? "miss" : "hit");
            return answer is null ? (CacheResult.Miss, null) : (CacheResult.Hit, answer);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            logger.LogDebug("Answer cache lookup skipped: {Reason}", ex.GetType().Name);
            metrics.CacheLookup("unavailable");
            return (CacheResult.Unavailable, null);
        }
    }

    public async Task SetAsync(string key, CachedAnswer answer)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            var json = JsonSerializer.Serialize(answer, Microsoft.Extensions.Hosting.ApiJson.Options);
            await redis.GetDatabase().StringSetAsync(key, json, options.Value.AnswerCacheDuration).WaitAsync(options.Value.CacheTimeout);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogDebug("Answer not cached: {Reason}", ex.GetType().Name);
        }
    }
}
