using CreatorChat.Chat.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Xunit;

namespace CreatorChat.Chat.Tests.Unit;

public sealed class DatabaseBreakerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T00:00:00Z"));

    [Fact]
    public async Task The_first_call_that_runs_out_of_its_budget_opens_the_breaker_even_after_many_successes()
    {
        var breaker = new DatabaseBreaker(_time);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i, await breaker.RunAsync(_ => Task.FromResult(i), CancellationToken.None));
        }

        var frozen = breaker.RunAsync(token => Task.Delay(Timeout.Infinite, token), CancellationToken.None);
        _time.Advance(DatabaseBreaker.Budget);
        var timedOut = await Assert.ThrowsAsync<TimeoutRejectedException>(() => frozen);
        Assert.Equal(DatabaseBreaker.Dependency, timedOut.Data["dependency"]);

        var calls = 0;
        var open = await Assert.ThrowsAsync<BrokenCircuitException>(() => breaker.RunAsync(_ => Task.FromResult(++calls), CancellationToken.None));
        Assert.Equal(0, calls);
        Assert.Equal(DatabaseBreaker.Dependency, open.Data["dependency"]);
        Assert.Throws<BrokenCircuitException>(breaker.ThrowIfOpen);
    }

    [Fact]
    public async Task A_connect_timeout_opens_it_too_and_a_trial_after_the_break_closes_it()
    {
        var breaker = new DatabaseBreaker(_time);
        await Assert.ThrowsAsync<NpgsqlException>(() => breaker.RunAsync<int>(
            _ => throw new NpgsqlException("The operation has timed out", new TimeoutException()), CancellationToken.None));
        Assert.True(breaker.IsOpen);

        _time.Advance(DatabaseBreaker.BreakDuration - TimeSpan.FromMilliseconds(1));
        Assert.True(breaker.IsOpen);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(7, await breaker.RunAsync(_ => Task.FromResult(7), CancellationToken.None));
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public async Task A_server_that_refuses_connections_opens_it_and_the_first_call_after_the_break_is_let_through()
    {
        var breaker = new DatabaseBreaker(_time);
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<NpgsqlException>(() => breaker.RunAsync<int>(
                _ => throw new NpgsqlException("refused", new System.Net.Sockets.SocketException(111)), CancellationToken.None));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => breaker.RunAsync(_ => Task.FromResult(1), CancellationToken.None));
        _time.Advance(DatabaseBreaker.BreakDuration);

        Assert.Equal(2, await breaker.RunAsync(_ => Task.FromResult(2), CancellationToken.None));
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public async Task A_caller_that_gives_up_or_a_query_error_does_not_open_it()
    {
        var breaker = new DatabaseBreaker(_time);
        using var gone = new CancellationTokenSource();
        var waiting = breaker.RunAsync(token => Task.Delay(Timeout.Infinite, token), gone.Token);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<PostgresException>(() => breaker.RunAsync<int>(
                _ => throw new PostgresException("duplicate key", "ERROR", "ERROR", "23505"), CancellationToken.None));
        }

        Assert.False(breaker.IsOpen);
    }
}
