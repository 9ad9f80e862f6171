using System.Numerics.Tensors;
using CreatorChat.Retrieval.Model.Text;
using Microsoft.Extensions.AI;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>
/// The offline embedder: a deterministic, dependency-free vector for any text, good at the lexical
/// matching that transcript questions mostly need ("what does the pipeline function do" →
/// passages about the pipeline function). Each text contributes hashed features —
/// <list type="bullet">
/// <item>stemmed content words (stop words and spoken fillers dropped),</item>
/// <item>adjacent content-word pairs, so "pipeline function" outranks "pipeline … function",</item>
/// <item>character 4-grams of longer words, so related forms ("tokenizer"/"tokenization") and
/// small spelling differences still meet,</item>
/// </list>
/// weighted sublinearly by frequency (1 + ln tf) so a word repeated ten times does not drown the
/// rest, signed-hashed into <see cref="Dimensions"/> buckets (the random sign makes collisions cancel
/// out on average instead of adding up) and L2-normalised, so a dot product is a cosine similarity.
/// The model id carries a version: changing the features changes the id, and the vector store
/// refuses to mix vectors of two versions.
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelPrefix = "creatorchat-lexical-v1";
    public const int DefaultDimensions = 512;

    private const float WordWeight = 1.0f;
    private const float PairWeight = 0.8f;
    private const float GramWeight = 0.25f;
    private const int GramLength = 4;

    private readonly EmbeddingGeneratorMetadata _metadata;

    public HashingEmbeddingGenerator(int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 64);
        Dimensions = dimensions;
        ModelId = $"{ModelPrefix}-{dimensions}";
        _metadata = new EmbeddingGeneratorMetadata("creatorchat-lexical", null, ModelId, dimensions);
    }

    public int Dimensions { get; }

    public string ModelId { get; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId });
        }

        return Task.FromResult(result);
    }

    public float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        var counts = new Dictionary<ulong, (float Weight, int Count)>();

        void Add(ulong hash, float weight)
        {
            counts[hash] = counts.TryGetValue(hash, out var existing) ? (existing.Weight, existing.Count + 1) : (weight, 1);
        }

        var terms = LexicalAnalyzer.ContentTerms(text ?? "");
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            Add(Hash("w", term), WordWeight);
            if (i + 1 < terms.Count)
            {
                Add(Hash("p", term, terms[i + 1]), PairWeight);
            }

            if (term.Length > GramLength)
            {
                var padded = "<" + term + ">";
                for (var g = 0; g + GramLength <= padded.Length; g++)
                {
                    Add(Hash("g", padded.Substring(g, GramLength)), GramWeight);
                }
            }
        }

        foreach (var (hash, (weight, count)) in counts)
        {
            var bucket = (int)(hash % (ulong)Dimensions);
            var sign = (hash >> 63) == 0 ? 1f : -1f;
            vector[bucket] += sign * weight * (1f + MathF.Log(count));
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    // FNV-1a over the UTF-16 code units, with a namespace so a word and a 4-gram never share a feature.
    private static ulong Hash(string kind, string a, string? b = null)
    {
        var hash = 14695981039346656037UL;
        void Mix(string s)
        {
            foreach (var c in s)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }

            hash ^= 0x1F;
            hash *= 1099511628211UL;
        }

        Mix(kind);
        Mix(a);
        if (b is not null)
        {
            Mix(b);
        }

        // Final avalanche (splitmix64) so that the low bits used for the bucket and the top bit used for the sign are well mixed.
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return hash;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
