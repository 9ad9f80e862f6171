using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// The chat turn's budget on <c>chatdb</c>: every call gets <see cref="Budget"/>. The first call that
/// runs out of it (a frozen server) opens the breaker at once, and calls that keep failing otherwise
/// (a server that is down) open it too; while open, calls fail at once — a 503 with <c>Retry-After</c> —
/// until a trial call after <see cref="BreakDuration"/> succeeds. A frozen database so costs a fan one
/// budget, not one per query of the turn, and not a hang per request.
/// </summary>
public sealed class DatabaseBreaker
{
    public const string Dependency = "database";
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ResiliencePipeline _pipeline;
    // Polly's breaker needs at least two outcomes to open; a timeout is reason enough on its own, so it
    // sets this instead: until then (UTC ticks) every call fails at once.
    private long _timedOutUntilTicks;

    public DatabaseBreaker(TimeProvider timeProvider)
    {
        _time = timeProvider;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.25,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = BreakDuration,
                StateProvider = _state,
                ShouldHandle = new PredicateBuilder()
                    .Handle<NpgsqlException>(ex => ex.IsTransient)
                    .Handle<TimeoutRejectedException>()
                    .Handle<TimeoutException>(),
            })
            .AddTimeout(Budget)
            .Build();
    }

    public bool IsOpen => _state.CircuitState is CircuitState.Open or CircuitState.Isolated || TimedOut;

    // Polly's own state only moves from open to half-open when a call is run through it, so only this one is checked first.
    private bool TimedOut => _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _timedOutUntilTicks);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (TimedOut)
        {
            ThrowIfOpen();
        }

        try
        {
            return await _pipeline.ExecuteAsync(async token => await work(token), cancellationToken);
        }
        catch (Exception ex) when (IsTimeout(ex) && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _timedOutUntilTicks, (_time.GetUtcNow() + BreakDuration).UtcTicks);
            ex.Data["dependency"] = Dependency;
            throw;
        }
        catch (BrokenCircuitException ex)
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
        if (IsOpen)
        {
            var open = new BrokenCircuitException("The chat database is not answering.");
            open.Data["dependency"] = Dependency;
            throw open;
        }
    }

    private static bool IsTimeout(Exception ex) =>
        ex is TimeoutRejectedException or TimeoutException || ex is NpgsqlException { InnerException: TimeoutException };
}
