using System.Diagnostics;
using CreatorChat.ServiceDefaults.Tests.Support;
using CreatorChat.Testing;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Integration;

/// <summary>The Aspire client integrations as every service registers them, against real servers (or none).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DataClientTests(InfrastructureFixture infrastructure)
{
    private static IHost Build(Dictionary<string, string?> settings, Action<HostApplicationBuilder> register)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        register(builder);
        return builder.Build();
    }

    [Fact]
    public async Task An_optional_redis_that_is_down_neither_blocks_start_up_nor_makes_the_service_unready()
    {
        var port = CreatorChat.Testing.FreePort.Next();
        using var host = Build(new() { ["ConnectionStrings:cache"] = $"127.0.0.1:{port}" },
            builder => builder.AddRedisClient("cache", requiredForReadiness: false));

        var watch = Stopwatch.StartNew();
        await host.StartAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"start-up took {watch.Elapsed}");

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal(HealthStatus.Degraded, report.Entries["StackExchange.Redis"].Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_reachable_redis_is_healthy_and_speaks_redis_2()
    {
        using var host = Build(new() { ["ConnectionStrings:cache"] = infrastructure.RedisConnectionString },
            builder => builder.AddRedisClient("cache", requiredForReadiness: false));
        await host.StartAsync();

        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var channel = RedisChannel.Literal("creatorchat:test:" + Guid.NewGuid());
        await redis.GetSubscriber().SubscribeAsync(channel, (_, message) => received.TrySetResult(message!));
        await redis.GetSubscriber().PublishAsync(channel, "hello");

        Assert.Equal("hello", await received.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["StackExchange.Redis"].Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_data_source_creates_a_missing_database_and_migrates_it_before_serving()
    {
        var connectionString = infrastructure.NewDatabase("aspire");
        using var host = Build(new() { ["ConnectionStrings:widgets"] = connectionString },
            builder => builder.AddNpgsqlDataSource("widgets", migrationsAssembly: typeof(DataClientTests).Assembly));

        await host.StartAsync();

        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations"));
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["PostgreSql"].Status);
        await host.StopAsync();
    }

    [Fact]
    public void A_missing_connection_string_names_the_variable_to_set()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Build(new(), builder => builder.AddNpgsqlDataSource("chatdb", migrationsAssembly: typeof(DataClientTests).Assembly)));

        Assert.Contains("chatdb", error.Message, StringComparison.Ordinal);
    }
}
