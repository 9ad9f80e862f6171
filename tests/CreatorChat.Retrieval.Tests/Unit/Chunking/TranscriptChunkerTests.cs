using CreatorChat.Retrieval.Model.Captions;
using CreatorChat.Retrieval.Model.Chunking;
using CreatorChat.Retrieval.Tests.Support;

namespace CreatorChat.Retrieval.Tests.Unit.Chunking;

public sealed class TranscriptChunkerTests
{
    private static readonly ChunkingOptions Small = new() { TargetChars = 120, MaxChars = 200, MinChars = 40, MaxOverlapChars = 60 };

    // Sentences deliberately split across cues, the way captions are.
    private static IReadOnlyList<Cue> Cues(params string[] texts) =>
        texts.Select((t, i) => new Cue(i * 3.0, (i * 3.0) + 3.0, t)).ToList();

    private static readonly string[] Story =
    [
        "Bread starts with flour and water. The", "flour's proteins form gluten when you", "mix them. Gluten traps the gas that",
        "yeast makes. That is why dough rises. A long", "cold rest lets enzymes break starch into", "sugars. Those sugars brown in the oven.",
        "Steam keeps the crust soft at first. Then", "the crust sets and turns crisp. Let the", "loaf cool before you cut it. Otherwise",
        "the crumb turns gummy. Enjoy the bread.",
    ];

    [Fact]
    public void Chunks_end_on_sentence_boundaries_even_when_cues_do_not()
    {
        var chunks = TranscriptChunker.Chunk(Cues(Story), Small);

        Assert.True(chunks.Count >= 3);
        Assert.All(chunks, c => Assert.True(c.Text.EndsWith('.'), $"'{c.Text}' should end a sentence"));
        Assert.All(chunks, c => Assert.True(char.IsUpper(c.Text[0]), $"'{c.Text}' should start a sentence"));
    }

    [Fact]
    public void Chunks_are_bounded_and_keep_every_word_in_order()
    {
        var chunks = TranscriptChunker.Chunk(Cues(Story), Small);

        Assert.All(chunks, c => Assert.InRange(c.Text.Length, 1, Small.MaxChars));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Sequence));

        // Removing each chunk's overlap with the previous one gives back exactly the transcript.
        var words = new List<string>();
        string[]? previous = null;
        foreach (var chunk in chunks)
        {
            var current = chunk.Text.Split(' ');
            var skip = 0;
            if (previous is not null)
            {
                for (var k = Math.Min(previous.Length, current.Length); k > 0; k--)
                {
                    if (previous.TakeLast(k).SequenceEqual(current.Take(k)))
                    {
                        skip = k;
                        break;
                    }
                }
            }

            words.AddRange(current.Skip(skip));
            previous = current;
        }

        Assert.Equal(string.Join(' ', Story).Split(' '), words);
    }

    [Fact]
    public void Consecutive_chunks_share_one_short_sentence()
    {
        var chunks = TranscriptChunker.Chunk(Cues(Story), Small);

        for (var i = 1; i < chunks.Count; i++)
        {
            var lastSentence = chunks[i - 1].Text.Split(". ")[^1];
            Assert.StartsWith(lastSentence.TrimEnd('.'), chunks[i].Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Times_follow_the_words_inside_cues()
    {
        // "Second sentence." starts two thirds into a 0–6 s cue.
        var cues = new List<Cue> { new(0, 6, "First one. Second sentence."), new(6, 9, "Third sentence is here.") };

        var chunks = TranscriptChunker.Chunk(cues, new ChunkingOptions { TargetChars = 10, MaxChars = 30, MinChars = 1, MaxOverlapChars = 0 });

        Assert.Equal(["First one.", "Second sentence.", "Third sentence is here."], chunks.Select(c => c.Text));
        Assert.Equal(0, chunks[0].StartSeconds);
        Assert.Equal(6.0 * 11 / 27, chunks[1].StartSeconds, 3);
        Assert.Equal(6, chunks[1].EndSeconds, 3);
        Assert.Equal([6.0, 9.0], [chunks[2].StartSeconds, chunks[2].EndSeconds]);
    }

    [Fact]
    public void Captions_without_punctuation_still_become_bounded_chunks()
    {
        // Automatic captions: no punctuation at all, a cue every two seconds.
        var cues = Enumerable.Range(0, 200).Select(i => new Cue(i * 2, (i * 2) + 2, $"so here we stir the dough number {i} and wait")).ToList();

        var chunks = TranscriptChunker.Chunk(cues);

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c => Assert.InRange(c.Text.Length, 100, ChunkingOptions.Default.MaxChars));
        Assert.True(chunks.Zip(chunks.Skip(1)).All(p => p.First.StartSeconds < p.Second.StartSeconds));
    }

    [Fact]
    public void A_long_pause_ends_a_sentence()
    {
        var cues = new List<Cue> { new(0, 2, "and that is the crust"), new(10, 12, "now the crumb") };

        var sentences = TranscriptChunker.SplitSentences(TranscriptChunker.Words(cues), ChunkingOptions.Default);

        Assert.Equal(2, sentences.Count);
    }

    [Fact]
    public void One_enormous_sentence_is_cut_at_word_boundaries()
    {
        var cue = new Cue(0, 600, string.Join(' ', Enumerable.Repeat("knead", 1000)));

        var chunks = TranscriptChunker.Chunk([cue], Small);

        Assert.All(chunks, c => Assert.True(c.Text.Length <= Small.MaxChars && c.Text.Split(' ').All(w => w == "knead")));
        Assert.Equal(1000, chunks.Sum(c => c.Text.Split(' ').Length));
    }

    [Theory]
    [InlineData("Dr.", "Smith", false)]
    [InlineData("e.g.", "flour", false)]
    [InlineData("done.", "Next", true)]
    [InlineData("really?", "Yes", true)]
    [InlineData("\"Stop!\"", "She", true)]
    [InlineData("J.", "Kenji", false)]
    [InlineData("3.5", "grams", false)]
    [InlineData("so…", "then", false)]
    [InlineData("end.", null, true)]
    public void Sentence_ends_are_recognised(string word, string? next, bool ends) => Assert.Equal(ends, TranscriptChunker.EndsSentence(word, next));

    [Fact]
    public void No_cues_no_chunks() => Assert.Empty(TranscriptChunker.Chunk([]));

    [Fact]
    public void A_short_last_sentence_joins_the_chunk_before_it()
    {
        var chunks = TranscriptChunker.Chunk(Cues("This first sentence is long enough to fill most of a chunk on its own.", "It continues here with more words to reach the target.", "Bye."), Small);

        Assert.EndsWith("Bye.", chunks[^1].Text, StringComparison.Ordinal);
        Assert.True(chunks[^1].Text.Length > "Bye.".Length);
    }

    [RequiresSubtitlesFact]
    public void Real_captions_become_chunks_of_a_few_sentences()
    {
        var video = SharedData.HfCourseVideos().Single(v => v.VideoId == "tiZFewofSLM");
        var cues = CaptionParser.Parse(File.ReadAllText(video.Path), CaptionFormat.Srt).Cues;

        var chunks = TranscriptChunker.Chunk(cues);

        Assert.InRange(chunks.Count, 5, 30);
        Assert.All(chunks, c => Assert.InRange(c.Text.Length, 50, ChunkingOptions.Default.MaxChars));
        Assert.InRange(chunks.Average(c => c.Text.Length), 400, 800);
        Assert.StartsWith("The pipeline function. The pipeline function is the most high level API of the Transformers library.", chunks[0].Text, StringComparison.Ordinal);
        Assert.Equal(5.88, chunks[0].StartSeconds, 2);
        Assert.True(chunks[^1].EndSeconds <= cues[^1].End + 0.001);
    }
}
