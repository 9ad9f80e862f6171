using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Dapper;
using Npgsql;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

[Collection(InfrastructureCollection.Name)]
public sealed class WriteBatcherTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly ChatServiceFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task Concurrent_writes_are_committed_together_and_a_bad_row_fails_alone()
    {
        var batcher = _chat.Service<WriteBatcher>();
        var now = DateTimeOffset.UtcNow;
        var conversations = Enumerable.Range(0, 60).Select(_ => Guid.CreateVersion7()).ToList();
        var writes = conversations.Select((id, i) => batcher.WriteAsync(
            new ConversationRowWrite(id, Guid.NewGuid(), "kitchen-lab", $"Question {i}", now),
            Message(Guid.CreateVersion7(), id, "user", $"Question {i}", now))).ToList();
        var orphanAnswer = Guid.CreateVersion7();
        var orphan = batcher.WriteAsync(null, Message(orphanAnswer, Guid.NewGuid(), "assistant", "An answer to a conversation that was deleted", now));
        writes.AddRange(conversations.Take(30).Select(id => batcher.WriteAsync(null, Message(Guid.CreateVersion7(), id, "assistant", "An answer [1].", now))));

        await Task.WhenAll(writes);
        await Assert.ThrowsAsync<PostgresException>(() => orphan);

        await using var connection = await _chat.Service<NpgsqlDataSource>().OpenConnectionAsync();
        var saved = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM messages WHERE conversation_id = ANY(@Ids)", new { Ids = conversations.ToArray() });
        Assert.Equal(90, saved);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM messages WHERE id = @Id", new { Id = orphanAnswer }));
        Assert.Equal(60, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM conversations WHERE id = ANY(@Ids)", new { Ids = conversations.ToArray() }));
    }

    private static MessageRowWrite Message(Guid id, Guid conversationId, string role, string content, DateTimeOffset at) =>
        new(id, conversationId, "kitchen-lab", role, content, "[]", null, "complete", false, role == "assistant" ? 12 : null, null,
            role == "user" ? content.ToLowerInvariant() : null, role == "assistant" ? "answered" : null, role == "assistant" ? 0.5f : null,
            role == "assistant" ? "test" : null, at);
}
