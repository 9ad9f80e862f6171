using System.Numerics.Tensors;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Infrastructure.Ingestion;
using CreatorChat.Retrieval.Model.Captions;
using CreatorChat.Retrieval.Model.Chunking;
using CreatorChat.Retrieval.Model.Text;
using CreatorChat.Retrieval.Tests.Support;
using Microsoft.Extensions.AI;

namespace CreatorChat.Retrieval.Tests.Unit.Embeddings;

public sealed class HashingEmbeddingGeneratorTests
{
    private readonly HashingEmbeddingGenerator _generator = new();

    private float Similarity(string a, string b) => TensorPrimitives.Dot(_generator.Embed(a), _generator.Embed(b));

    [Fact]
    public async Task Vectors_are_deterministic_normalised_and_described_by_metadata()
    {
        var embeddings = await _generator.GenerateAsync(["Proof the dough overnight.", "Proof the dough overnight."]);

        Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.Equal(HashingEmbeddingGenerator.DefaultDimensions, embeddings[0].Vector.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(embeddings[0].Vector.Span), 4);
        Assert.Equal(new HashingEmbeddingGenerator().Embed("bread"), new HashingEmbeddingGenerator().Embed("bread")); // stable across instances (no randomised hashing)
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>()!;
        Assert.Equal("creatorchat-lexical-v1-512", metadata.DefaultModelId);
        Assert.Equal(512, metadata.DefaultModelDimensions);
    }

    [Fact]
    public void A_question_is_closest_to_the_passage_that_answers_it()
    {
        const string question = "what does the pipeline function do";
        var answer = Similarity(question, "The pipeline function is the most high level API of the Transformers library: it regroups all the steps from raw text to predictions.");
        var other = Similarity(question, "Tokenizers split text into tokens, then map tokens to ids that a model understands.");
        var unrelated = Similarity(question, "Preheat the Dutch oven so the crust of the bread blisters.");

        Assert.True(answer > other + 0.2f, $"answer {answer} vs other {other}");
        Assert.True(other > unrelated - 0.05f);
        Assert.InRange(unrelated, -0.1f, 0.1f);
    }

    [Fact]
    public void Word_forms_and_adjacent_pairs_count()
    {
        Assert.True(Similarity("tokenizers", "the tokenizer") > 0.5f);
        Assert.True(Similarity("baking bread", "bakes breads") > 0.5f);

        // The pair "pipeline function" scores above the same words far apart.
        var adjacent = Similarity("pipeline function", "the pipeline function returns predictions");
        var apart = Similarity("pipeline function", "the pipeline returns predictions from each function");
        Assert.True(adjacent > apart, $"{adjacent} vs {apart}");
    }

    [Fact]
    public void Repeating_a_word_has_diminishing_weight()
    {
        // With raw counts, ten "sourdough"s would bury "starter" (similarity ≈ 0.08); with 1 + ln(tf) it still counts.
        var document = string.Join(' ', Enumerable.Repeat("sourdough", 10)) + " starter";

        Assert.InRange(Similarity("starter", document), 0.18f, 0.4f);
    }

    [Theory]
    [InlineData("")]
    [InlineData("what is the and of it")]
    [InlineData("?!., ...")]
    public void Text_without_content_words_gives_a_zero_vector(string text) =>
        Assert.Equal(0f, TensorPrimitives.MaxMagnitude(_generator.Embed(text)));

    [Theory]
    [InlineData("tokenizers", "tokeniz")]
    [InlineData("tokenization", "tokeniz")]
    [InlineData("bakes", "bak")]
    [InlineData("batches", "batch")]
    [InlineData("studies", "study")]
    [InlineData("running", "run")]
    [InlineData("baked", "bak")]
    [InlineData("quickly", "quick")]
    [InlineData("class", "class")]
    [InlineData("bus", "bus")]
    [InlineData("gpt2", "gpt2")]
    public void The_stemmer_is_conservative(string word, string stem) => Assert.Equal(stem, LexicalAnalyzer.Stem(word));

    [Fact]
    public void Tokens_are_lowercase_letter_and_digit_runs() =>
        Assert.Equal(["don't".Replace("'", "", StringComparison.Ordinal), "use", "bert", "base", "uncased", "in", "2024", "café"],
            LexicalAnalyzer.Tokens("Don't use BERT-base-uncased in 2024, café!"));

    [RequiresSubtitlesFact]
    public void On_the_real_course_each_video_title_finds_its_own_video()
    {
        // Chunks embedded as the service embeds them; each of the 82 titles is asked as a question.
        var videos = SharedData.HfCourseVideos();
        var chunks = new List<(string VideoId, float[] Vector)>();
        foreach (var video in videos)
        {
            var cues = CaptionParser.Parse(File.ReadAllText(video.Path), CaptionFormat.Srt).Cues;
            chunks.AddRange(TranscriptChunker.Chunk(cues).Select(c => (video.VideoId, _generator.Embed(IngestionProcessor.EmbeddingText(video.Title, c.Text)))));
        }

        var top1 = 0;
        var top5 = 0;
        foreach (var video in videos)
        {
            var query = _generator.Embed(video.Title);
            var ranked = chunks.OrderByDescending(c => TensorPrimitives.Dot(query, c.Vector)).Select(c => c.VideoId).Distinct().Take(5).ToList();
            top1 += ranked[0] == video.VideoId ? 1 : 0;
            top5 += ranked.Contains(video.VideoId) ? 1 : 0;
        }

        // Several titles are near-twins ("… (PyTorch)" / "… (TensorFlow)" with the same narration), so top-1 cannot be perfect.
        Assert.True(top1 >= 70, $"top-1 {top1}/82");
        Assert.True(top5 >= 80, $"top-5 {top5}/82");
    }
}
