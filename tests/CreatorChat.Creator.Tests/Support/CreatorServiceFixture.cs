using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Creator.Tests.Support;

/// <summary>The creator service in-process over its own fresh database on the real Postgres.</summary>
public sealed class CreatorServiceFixture(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    public ServiceFactory<Program> Factory { get; } = new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:creatordb"] = infrastructure.NewDatabase("creatordb"),
        ["Jwt:SigningKey"] = TestTokens.DefaultKey,
    });

    public TestTokens Tokens { get; } = new(TestTokens.DefaultKey);

    public HttpClient Client(string? token = null) => Factory.CreateClient().WithBearer(token);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
