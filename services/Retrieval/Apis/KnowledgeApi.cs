using System.Security.Claims;
using CreatorChat.Retrieval.Infrastructure.Creators;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Ingestion;
using CreatorChat.Retrieval.Infrastructure.Knowledge;
using CreatorChat.Retrieval.Infrastructure.Search;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Captions;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CreatorChat.Retrieval.Apis;

/// <summary>
/// The Knowledge part of the public API (owner or admin of the creator), forwarded by the gateway:
/// upload, list and delete a creator's videos, follow ingestion jobs, and search.
/// </summary>
public static class KnowledgeApi
{
    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var creators = app.MapGroup("/api/v1/creators/{slug}").WithTags("Knowledge").RequireAuthorization();
        creators.MapPost("/videos", IngestVideo)
            .WithName("IngestVideo")
            .WithMetadata(new RequestSizeLimitAttribute(KnowledgeValidation.MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        creators.MapGet("/videos", ListVideos).WithName("ListVideos");
        creators.MapDelete("/videos/{videoId}", DeleteVideo).WithName("DeleteVideo");
        creators.MapGet("/search", Search).WithName("SearchKnowledge");

        app.MapGet("/api/v1/jobs/{jobId}", GetJob).WithTags("Knowledge").WithName("GetIngestionJob").RequireAuthorization();
        return app;
    }

    public static async Task<Results<Accepted<IngestAccepted>, ValidationProblem, ProblemHttpResult>> IngestVideo(
        [FromRoute(Name = "slug")] string creatorSlug, IngestVideoRequest request, ClaimsPrincipal user, KnowledgeAccess access, IngestionJobRepository jobs,
        CancellationToken cancellationToken)
    {
        if (await access.FindManageableAsync(user, creatorSlug, cancellationToken) is null)
        {
            return CreatorNotFound(creatorSlug);
        }

        if (KnowledgeValidation.IsTooLarge(request))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Transcript too large",
                detail: $"Transcripts may be at most {KnowledgeValidation.MaxTranscriptBytes / (1024 * 1024)} MB; split the video's transcript or remove formatting.",
                extensions: Errors("transcript", $"At most {KnowledgeValidation.MaxTranscriptBytes} bytes (UTF-8)."));
        }

        var (valid, errors) = KnowledgeValidation.Validate(request);
        if (valid is null)
        {
            return TypedResults.ValidationProblem(errors, detail: "The video could not be accepted; see errors.");
        }

        var job = await jobs.EnqueueAsync(new NewIngestion(
            creatorSlug, valid.VideoId, valid.Title, valid.Url, valid.PublishedAt, valid.Format.Name(), valid.Transcript, user.GetUserId()), cancellationToken);
        return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", new IngestAccepted(job.Id, job.VideoId));
    }

    public static async Task<Results<Ok<IReadOnlyList<VideoView>>, ProblemHttpResult>> ListVideos(
        [FromRoute(Name = "slug")] string creatorSlug, ClaimsPrincipal user, KnowledgeAccess access, VideoRepository videos, CancellationToken cancellationToken)
    {
        if (await access.FindManageableAsync(user, creatorSlug, cancellationToken) is null)
        {
            return CreatorNotFound(creatorSlug);
        }

        var list = await videos.ListVideosAsync(creatorSlug, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<VideoView>>(list.Select(VideoView.From).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteVideo(
        [FromRoute(Name = "slug")] string creatorSlug, string videoId, ClaimsPrincipal user, KnowledgeAccess access, VideoRepository videos,
        VectorCleanupRunner cleanups, KnowledgeNotifier notifier, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await access.FindManageableAsync(user, creatorSlug, cancellationToken) is null)
        {
            return CreatorNotFound(creatorSlug);
        }

        var deleted = KnowledgeValidation.IsValidVideoId(videoId) ? await videos.DeleteVideoAsync(creatorSlug, videoId, cancellationToken) : null;
        if (deleted is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Video not found", detail: $"Creator '{creatorSlug}' has no video '{videoId}'.");
        }

        // The video left search in the transaction above; removing its vectors now is tidying up, and the
        // outbox retries it if the store is unavailable.
        try
        {
            await cleanups.RunAsync(deleted.Value.CleanupId, cancellationToken);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            loggers.CreateLogger(typeof(KnowledgeApi)).LogWarning("Vector clean-up of {CreatorSlug}/{VideoId} deferred: {Reason}", creatorSlug, videoId, ex.Message);
        }

        await notifier.NotifyAsync(creatorSlug);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<IReadOnlyList<SearchResult>>, ValidationProblem, ProblemHttpResult>> Search(
        [FromRoute(Name = "slug")] string creatorSlug, ClaimsPrincipal user, KnowledgeAccess access, KnowledgeSearch search, SearchOptions options,
        CancellationToken cancellationToken, [FromQuery] string? q = null, [FromQuery] string? k = null)
    {
        if (await access.FindManageableAsync(user, creatorSlug, cancellationToken) is null)
        {
            return CreatorNotFound(creatorSlug);
        }

        var errors = ValidateQuery(q, k, options, out var count);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await search.SearchAsync(creatorSlug, q!.Trim(), count, cancellationToken);
        return TypedResults.Ok(outcome.Results);
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetJob(
        string jobId, ClaimsPrincipal user, KnowledgeAccess access, IngestionJobRepository jobs, CancellationToken cancellationToken)
    {
        var job = Guid.TryParse(jobId, out var id) ? await jobs.FindJobAsync(id, cancellationToken) : null;
        if (job is null || await access.FindManageableAsync(user, job.CreatorSlug, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"No ingestion job '{jobId}'.");
        }

        return TypedResults.Ok(JobView.From(job));
    }

    internal static Dictionary<string, string[]> ValidateQuery(string? q, string? k, SearchOptions options, out int count, string queryField = "q")
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(q))
        {
            errors[queryField] = ["A search query is required."];
        }
        else if (q.Length > options.MaxQueryLength)
        {
            errors[queryField] = [$"At most {options.MaxQueryLength} characters."];
        }

        count = options.DefaultK;
        if (k is not null && (!int.TryParse(k, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count < 1 || count > options.MaxK))
        {
            errors["k"] = [$"Must be a whole number from 1 to {options.MaxK}."];
        }

        return errors;
    }

    internal static ProblemHttpResult CreatorNotFound(string creatorSlug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Creator not found", detail: $"No creator '{creatorSlug}' that you can manage.");

    private static Dictionary<string, object?> Errors(string field, string message) =>
        new() { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } };
}
