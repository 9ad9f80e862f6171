using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// The chat turn's budget on <c>chatdb</c>: every call gets <see cref="Budget"/>, and once calls keep
/// failing (down, or frozen so that they time out) the breaker opens and they fail at once — a 503
/// with <c>Retry-After</c> — until a trial call after <see cref="BreakDuration"/> succeeds. A frozen
/// database so costs a fan at most one budget, not a hang per request.
/// </summary>
public sealed class DatabaseBreaker
{
    public const string Dependency = "database";
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ResiliencePipeline _pipeline;

    public DatabaseBreaker(TimeProvider timeProvider)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // A frozen database fails every call at once: a quarter of them failing is enough to stop waiting.
                FailureRatio = 0.25,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = BreakDuration,
                StateProvider = _state,
                ShouldHandle = new PredicateBuilder()
                    .Handle<NpgsqlException>(ex => ex.IsTransient || ex.InnerException is TimeoutException)
                    .Handle<TimeoutRejectedException>()
                    .Handle<TimeoutException>(),
            })
            .AddTimeout(Budget)
            .Build();
    }

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token => await work(token), cancellationToken);
        }
        catch (Exception ex) when (ex is BrokenCircuitException or TimeoutRejectedException)
        {
            ex.Data["dependency"] = Dependency;
            throw;
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            await work(token);
            return true;
        }, cancellationToken);

    /// <summary>Fails at once while the breaker is open, for work that is queued rather than run here.</summary>
    public void ThrowIfOpen()
    {
        if (_state.CircuitState is CircuitState.Open or CircuitState.Isolated)
        {
            var open = new BrokenCircuitException("The chat database is not answering.");
            open.Data["dependency"] = Dependency;
            throw open;
        }
    }
}
