using System.Net;
using CreatorChat.Cli.Api;

namespace CreatorChat.Cli.Ingest;

/// <summary>
/// Uploads what is not on the platform yet and follows every job until its video is searchable.
/// "Already there" means: <c>GET …/videos</c> lists the same video id with the same title, and it is
/// ready (or queued/processing: then its job is followed, not re-sent). The API exposes no content
/// hash, so a changed transcript under the same id and title is re-sent only with <c>--force</c>.
/// </summary>
public sealed class Ingestion(CreatorChatClient client, string slug, TimeProvider time, TimeSpan pollInterval)
{
    private const int UploadConcurrency = 4;
    private const int ProgressLookupsPerRound = 3;
    private const int RateLimitRetries = 5;

    public async Task<IReadOnlyList<IngestItem>> PlanAsync(IReadOnlyList<CaptionFile> files, bool force, CancellationToken cancellationToken)
    {
        var existing = (await client.VideosAsync(slug, cancellationToken)).ToDictionary(v => v.VideoId, StringComparer.Ordinal);
        return files.Select(file =>
        {
            var item = new IngestItem(file);
            if (!force && existing.GetValueOrDefault(file.VideoId) is { } video && video.Title == file.Title && video.Status != VideoStatuses.Failed)
            {
                item.Action = IngestAction.Unchanged;
                item.JobId = video.JobId;
                item.Status = video.Status;
                item.Progress = video.Status == VideoStatuses.Ready ? 1 : 0;
            }

            return item;
        }).ToList();
    }

    public async Task UploadAsync(IReadOnlyList<IngestItem> items, Action<IngestItem> changed, CancellationToken cancellationToken)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = UploadConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items.Where(i => i.Action == IngestAction.Uploaded), options, async (item, ct) =>
        {
            var file = item.File;
            try
            {
                var accepted = await WithRateLimitAsync(() => client.UploadAsync(slug, new VideoUpload(file.VideoId, file.Title, file.Url, file.Format, file.Transcript), ct), ct);
                item.JobId = accepted.JobId;
            }
            catch (ApiException ex) when (ex.Status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity)
            {
                // This file is wrong; the others may be fine.
                item.Status = VideoStatuses.Failed;
                item.Error = ex.Message;
            }

            changed(item);
        });
    }

    /// <summary>Polls until every item is ready or failed: one video listing per round, plus job progress for those being processed.</summary>
    public async Task FollowAsync(IReadOnlyList<IngestItem> items, TimeSpan timeout, Action<IngestItem> changed, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (items.Any(i => !i.Finished))
        {
            if (time.GetUtcNow() > deadline)
            {
                foreach (var item in items.Where(i => !i.Finished))
                {
                    item.Error = $"not searchable after {timeout.TotalMinutes:0.#} min (still {item.Status})";
                    item.Status = VideoStatuses.Failed;
                    changed(item);
                }

                return;
            }

            var videos = (await WithRateLimitAsync(() => client.VideosAsync(slug, cancellationToken), cancellationToken))
                .ToDictionary(v => v.VideoId, StringComparer.Ordinal);
            var lookups = 0;
            foreach (var item in items.Where(i => !i.Finished))
            {
                if (!videos.TryGetValue(item.File.VideoId, out var video))
                {
                    continue;
                }

                // Until the listing shows our job, it shows the previous content's state.
                if (item.JobId is { } job && video.JobId is { } latest && latest != job)
                {
                    continue;
                }

                var before = (item.Status, item.Progress);
                item.Status = video.Status;
                item.Error = video.Error;
                if (video.Status == VideoStatuses.Ready)
                {
                    item.Progress = 1;
                }
                else if (video.Status == VideoStatuses.Processing && item.JobId is { } id && lookups++ < ProgressLookupsPerRound)
                {
                    item.Progress = (await WithRateLimitAsync(() => client.JobAsync(id, cancellationToken), cancellationToken)).Progress;
                }

                if (before != (item.Status, item.Progress))
                {
                    changed(item);
                }
            }

            if (items.Any(i => !i.Finished))
            {
                await Task.Delay(pollInterval, time, cancellationToken);
            }
        }
    }

    /// <summary>A 429 while uploading or polling waits as told and tries again, a few times.</summary>
    private async Task<T> WithRateLimitAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (ApiException ex) when (ex.Status == HttpStatusCode.TooManyRequests && attempt < RateLimitRetries
                && ex.RetryAfter is { } wait && wait < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(100), time, cancellationToken);
            }
        }
    }
}
