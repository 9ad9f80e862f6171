using Microsoft.Extensions.AI;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>
/// Splits large inputs into requests of at most <see cref="OpenAIEmbeddingOptions.MaxBatchInputs"/> inputs and
/// <see cref="OpenAIEmbeddingOptions.MaxBatchChars"/> characters, at most <see cref="OpenAIEmbeddingOptions.MaxConcurrency"/>
/// in flight per replica, and puts the results back in input order.
/// </summary>
public sealed class BatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, OpenAIEmbeddingOptions options)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private readonly SemaphoreSlim _concurrency = new(Math.Max(1, options.MaxConcurrency));

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? generationOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var results = new Embedding<float>[inputs.Count];
        await Task.WhenAll(Batches(inputs).Select(async batch =>
        {
            await _concurrency.WaitAsync(cancellationToken);
            try
            {
                var embeddings = await base.GenerateAsync(inputs.GetRange(batch.Offset, batch.Count), generationOptions, cancellationToken);
                if (embeddings.Count != batch.Count)
                {
                    throw new InvalidOperationException($"The embedding service returned {embeddings.Count} embeddings for {batch.Count} inputs.");
                }

                embeddings.CopyTo(results, batch.Offset);
            }
            finally
            {
                _concurrency.Release();
            }
        }));

        return new GeneratedEmbeddings<Embedding<float>>(results);
    }

    private IEnumerable<(int Offset, int Count)> Batches(List<string> inputs)
    {
        var start = 0;
        var chars = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var length = inputs[i].Length;
            if (i > start && (i - start >= options.MaxBatchInputs || chars + length > options.MaxBatchChars))
            {
                yield return (start, i - start);
                start = i;
                chars = 0;
            }

            chars += length;
        }

        if (inputs.Count > start)
        {
            yield return (start, inputs.Count - start);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _concurrency.Dispose();
        }

        base.Dispose(disposing);
    }
}
