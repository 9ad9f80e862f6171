using CreatorChat.Retrieval.Extensions;
using CreatorChat.Retrieval.Infrastructure.Search;
using CreatorChat.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CreatorChat.Retrieval.Tests.Unit.Extensions;

/// <summary>The service's own wiring, not started: a bad setting must stop it at start, naming the option.</summary>
public class OptionsValidationTests
{
    private static IHost Build(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:retrievaldb"] = "Host=127.0.0.1;Database=unused",
            ["ConnectionStrings:cache"] = "127.0.0.1:1,abortConnect=false",
            ["Jwt:SigningKey"] = TestTokens.DefaultKey,
            ["Retrieval:Embeddings:Model"] = "lexical",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddApplicationServices();
        return builder.Build();
    }

    private static string StartupFailure(IReadOnlyDictionary<string, string?> settings)
    {
        using var host = Build(settings);
        var failure = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
        var validation = failure is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [failure];
        Assert.All(validation, e => Assert.IsType<OptionsValidationException>(e));
        return string.Join("\n", validation.Select(e => e.Message));
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        using var host = Build(new Dictionary<string, string?>());
        host.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("Retrieval:Search:MaxK", "0", "MaxK")]
    [InlineData("Retrieval:Search:DefaultK", "60", "DefaultK")]
    [InlineData("Retrieval:Search:Fusion:Candidates", "0", "Fusion")]
    [InlineData("Retrieval:Reembedding:BatchVideos", "-1", "BatchVideos")]
    [InlineData("Retrieval:Ingestion:Concurrency", "0", "Concurrency")]
    [InlineData("Retrieval:Ingestion:HeartbeatInterval", "00:01:00", "HeartbeatInterval")]
    [InlineData("Retrieval:Chunking:MaxChars", "0", "MaxChars")]
    [InlineData("Retrieval:VectorStore:WriteBatchRows", "0", "WriteBatchRows")]
    [InlineData("Retrieval:Embeddings:Dimensions", "0", "Dimensions")]
    [InlineData("Retrieval:Reporting:Interval", "00:00:00", "Interval")]
    public void A_bad_setting_fails_at_start_naming_the_option(string key, string value, string option)
    {
        var message = StartupFailure(new Dictionary<string, string?> { [key] = value });
        Assert.Contains(option, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_bind_into_the_options_the_services_receive()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Retrieval:Search:MaxK"] = "20",
            ["Retrieval:Search:Fusion:K"] = "30",
        });
        var options = host.Services.GetRequiredService<SearchOptions>();
        Assert.Equal(20, options.MaxK);
        Assert.Equal(30, options.Fusion.K);
    }
}
