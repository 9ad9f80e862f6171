using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Captions;
using CreatorChat.Retrieval.Model.Chunking;
using CreatorChat.Retrieval.Model.Search;

namespace CreatorChat.Retrieval.Infrastructure.Ingestion;

/// <summary>The job's input itself is unusable; trying again cannot help.</summary>
public sealed class IngestionRejectedException(string message) : Exception(message);

/// <summary>
/// Turns one video's transcript into stored chunk vectors: parse → chunk → embed (in batches) → upsert,
/// all under the job's generation, so nothing becomes searchable until the job is activated. Running it
/// twice for the same job writes the same point ids: a retry after a crash simply overwrites. While a
/// re-embedding runs, the chunks go into both embedding spaces (each with its model), and each space
/// records that it holds the generation.
/// </summary>
public sealed class IngestionProcessor(VectorSpaceCatalog catalog, EmbeddingSpaceRepository spaces, ChunkingOptions chunking)
{
    public const int EmbedBatch = 64;

    /// <summary>What the embedding model sees for a chunk: the video title gives short passages their topic.</summary>
    public static string EmbeddingText(string title, string text) => title + "\n\n" + text;

    public async Task<IngestionOutput> ProcessAsync(IngestionJob job, string transcript, Action<float> progress, CancellationToken cancellationToken)
    {
        if (!CaptionFormats.TryParse(job.Format, out var format))
        {
            throw new IngestionRejectedException($"Unknown transcript format '{job.Format}'.");
        }

        var parsed = CaptionParser.Parse(transcript, format);
        if (parsed.Problem(format) is { } problem)
        {
            throw new IngestionRejectedException(problem);
        }

        progress(0.05f);
        var chunks = TranscriptChunker.Chunk(parsed.Cues, chunking);
        if (chunks.Count == 0)
        {
            throw new IngestionRejectedException("The transcript contains no spoken text.");
        }

        progress(0.1f);
        var targets = (await catalog.GetAsync(cancellationToken)).Writable.ToList();
        if (targets.Count == 0)
        {
            throw new InvalidOperationException("No embedding model that runs in this replica writes the active vector collection (a re-embedding is under way).");
        }

        var texts = chunks.Select(c => EmbeddingText(job.Title, c.Text)).ToList();
        var steps = targets.Count * chunks.Count;
        var done = 0;
        foreach (var target in targets)
        {
            var records = new List<VectorRecord>(chunks.Count);
            for (var start = 0; start < chunks.Count; start += EmbedBatch)
            {
                var count = Math.Min(EmbedBatch, chunks.Count - start);
                var vectors = await target.Embedder!.EmbedAsync(texts.GetRange(start, count), cancellationToken);
                for (var i = 0; i < count; i++)
                {
                    var chunk = chunks[start + i];
                    records.Add(new VectorRecord(
                        VectorRecord.IdFor(job.CreatorSlug, job.VideoId, job.Id, chunk.Sequence),
                        job.CreatorSlug, job.VideoId, job.Id, chunk.Sequence, vectors[i],
                        new ChunkPayload(job.Title, job.Url, chunk.StartSeconds, chunk.EndSeconds, chunk.Text)));
                }

                done += count;
                progress(0.1f + (0.8f * done / steps));
            }

            await target.Store.UpsertAsync(records, cancellationToken);
            await spaces.RecordWrittenAsync(target.Id, job.CreatorSlug, job.VideoId, job.Id, cancellationToken);
        }

        progress(0.95f);
        return new IngestionOutput(parsed.Cues.Count, chunks.Count);
    }
}
