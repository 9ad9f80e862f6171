using CreatorChat.Chat.Extensions;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Llm;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace CreatorChat.Chat.Tests.Unit;

/// <summary>A bad setting stops chat when it starts, and the error names the setting.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Chat:PassageCount", "-1", "PassageCount")]
    [InlineData("Chat:HistoryMessages", "-3", "HistoryMessages")]
    [InlineData("Chat:MinConfidence", "1.5", "MinConfidence")]
    [InlineData("Chat:CacheTimeout", "-00:00:01", "CacheTimeout")]
    [InlineData("Chat:Model:IdleTimeout", "00:00:00", "IdleTimeout")]
    [InlineData("Chat:OfflineModel:TokenDelay", "-00:00:01", "TokenDelay")]
    public async Task A_bad_value_fails_at_start_naming_the_option(string key, string value, string option)
    {
        using var host = Build(new() { [key] = value });

        // Startup validation runs before any hosted service, so nothing here reaches Postgres or Redis.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_defaults_are_valid()
    {
        using var host = Build([]);
        Assert.Equal(5, host.Services.GetRequiredService<IOptions<ChatServiceOptions>>().Value.PassageCount);
        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<ChatModelOptions>>().Value.IdleTimeout);
        Assert.Equal(TimeSpan.Zero, host.Services.GetRequiredService<IOptions<OfflineModelOptions>>().Value.TokenDelay);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:chatdb"] = "Host=127.0.0.1;Port=1;Database=chatdb;Username=chat",
            ["ConnectionStrings:cache"] = "127.0.0.1:1,abortConnect=false,connectTimeout=100",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        return builder.Build();
    }
}
