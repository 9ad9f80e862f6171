using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.Ingestion;

/// <summary><c>Retrieval:Ingestion</c>: the ingestion worker of each replica.</summary>
public sealed record IngestionOptions : LeasedWorkerOptions, IValidatableObject
{
    public const string Section = "Retrieval:Ingestion";

    public IngestionOptions()
        : base(leaseDuration: TimeSpan.FromSeconds(30))
    {
    }

    /// <summary>Jobs one replica processes at the same time.</summary>
    [Range(1, 64)]
    public int Concurrency { get; init; } = 2;

    /// <summary>How often the lease is renewed (and progress saved) while a job runs; shorter than <see cref="LeasedWorkerOptions.LeaseDuration"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before a job that keeps failing transiently (or keeps crashing its replica) is given up.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; init; } = 5;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Finished jobs are forgotten after this long (GET /jobs/{id} answers 404 afterwards).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan FinishedJobRetention { get; init; } = TimeSpan.FromDays(7);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatInterval >= LeaseDuration)
        {
            yield return new ValidationResult(
                $"{nameof(HeartbeatInterval)} ({HeartbeatInterval}) must be shorter than {nameof(LeaseDuration)} ({LeaseDuration}), or every job's lease runs out while it runs.",
                [nameof(HeartbeatInterval), nameof(LeaseDuration)]);
        }
    }
}
