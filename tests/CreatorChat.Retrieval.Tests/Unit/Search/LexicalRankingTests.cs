using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;

namespace CreatorChat.Retrieval.Tests.Unit.Search;

/// <summary>BM25 over a partition's passages, and the rank fusion both stores use.</summary>
public sealed class LexicalRankingTests
{
    private static readonly Guid Generation = Guid.NewGuid();

    private static (VectorPartition Partition, Dictionary<Guid, string> Texts) Partition(params string[] texts)
    {
        var rows = texts.Select((text, i) => new PartitionRow(Guid.NewGuid(), $"video-{i}", Generation, new float[] { 1, 0 }, Bm25.Passage("", text))).ToList();
        return (VectorPartition.Empty(2).Apply(1, [], rows), rows.Zip(texts).ToDictionary(p => p.First.Id, p => p.Second));
    }

    private static List<string> Search(string query, params string[] texts)
    {
        var (partition, byId) = Partition(texts);
        return partition.SearchLexical(Bm25.Query(query), 10, null).Select(h => byId[h.Id]).ToList();
    }

    [Fact]
    public void A_rare_query_word_outweighs_a_common_one()
    {
        var ranked = Search("how does the tokenizer handle padding",
            "The tokenizer splits text. The tokenizer maps tokens to ids. The tokenizer is fast.",
            "Padding makes every sequence of a batch the same length; the tokenizer adds it.",
            "The tokenizer is trained on a corpus.",
            "The tokenizer can also truncate.");

        Assert.StartsWith("Padding makes", ranked[0], StringComparison.Ordinal);
        Assert.Equal(4, ranked.Count); // every passage shares "tokenizer"
    }

    [Fact]
    public void Case_punctuation_inflections_and_accents_meet()
    {
        Assert.Equal("Tokenizers, tokenized: TOKENIZATION!", Search("tokenizer", "Tokenizers, tokenized: TOKENIZATION!", "The model").Single());
        Assert.Equal("We baked the loaves", Search("baking", "We baked the loaves", "Searing the steak").Single());
        Assert.Equal("Un père indigné", Search("PÈRE", "Un père indigné", "Une mère").Single());
    }

    [Fact]
    public void Non_latin_queries_match_non_latin_passages_and_nothing_else()
    {
        Assert.Equal("東京 の ラーメン", Search("ラーメン", "東京 の ラーメン", "Ramen in Tokyo").Single());
        Assert.Empty(Search("🍜 ???", "東京 の ラーメン", "Ramen in Tokyo"));
    }

    [Fact]
    public void A_longer_passage_with_the_same_matches_ranks_lower()
    {
        var filler = string.Join(' ', Enumerable.Repeat("bread dough flour water salt oven crust crumb", 12));
        var ranked = Search("sourdough starter", "A sourdough starter needs feeding.", "A sourdough starter needs feeding. " + filler);

        Assert.Equal("A sourdough starter needs feeding.", ranked[0]);
    }

    [Fact]
    public void Only_the_wanted_generations_match()
    {
        var old = Guid.NewGuid();
        var rows = new[]
        {
            new PartitionRow(Guid.NewGuid(), "v", old, new float[] { 1, 0 }, Bm25.Passage("", "brine for pickles")),
            new PartitionRow(Guid.NewGuid(), "v", Generation, new float[] { 1, 0 }, Bm25.Passage("", "brine for pickles, new take")),
        };
        var partition = VectorPartition.Empty(2).Apply(1, [], rows);

        Assert.Equal(rows[1].Id, Assert.Single(partition.SearchLexical(Bm25.Query("brine"), 5, [Generation])).Id);
        Assert.Empty(partition.SearchLexical(Bm25.Query("brine"), 5, [Guid.NewGuid()]));
    }

    [Fact]
    public void The_lexical_index_survives_compaction_and_deletion()
    {
        var partition = VectorPartition.Empty(2);
        for (var video = 0; video < 40; video++)
        {
            partition = partition.Apply(video + 1, [], [new PartitionRow(Guid.NewGuid(), $"v{video}", Generation, new float[] { 1, 0 }, Bm25.Passage("", $"topic{video} shared words"))]);
        }

        partition = partition.Apply(41, [new PartitionDeletion("v7", null)], []);

        Assert.Equal("v8", Assert.Single(partition.SearchLexical(Bm25.Query("topic8"), 5, null)).VideoId);
        Assert.Empty(partition.SearchLexical(Bm25.Query("topic7"), 5, null));
        Assert.Equal(39, partition.SearchLexical(Bm25.Query("shared"), 100, null).Count);
    }

    [Fact]
    public void Fusion_rewards_agreement_and_scores_first_in_both_as_one()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        var fusion = new RankFusion(K: 10, SemanticWeight: 1, LexicalWeight: 1);

        var scores = fusion.Fuse([a, b, c], [a, c]);

        Assert.Equal(1f, scores[a], 5);
        Assert.True(scores[c] > scores[b]); // second and third in the two lists beats second in one only
        Assert.InRange(scores[b], 0f, 1f);
        var semanticHeavy = new RankFusion(K: 10, SemanticWeight: 3, LexicalWeight: 1).Fuse([b, c], [c, b]);
        Assert.True(semanticHeavy[b] > semanticHeavy[c]);
    }

    [Fact]
    public void Score_fusion_blends_normalised_cosine_and_bm25_so_a_large_lexical_lead_survives_a_small_semantic_one()
    {
        Guid keyword = Guid.NewGuid(), close = Guid.NewGuid(), far = Guid.NewGuid(), onlyMeaning = Guid.NewGuid();
        var cosine = new Dictionary<Guid, float> { [keyword] = 0.70f, [close] = 0.72f, [far] = 0.50f, [onlyMeaning] = 0.71f };
        var fusion = RankFusion.Default;

        var scores = fusion.Fuse([close, onlyMeaning, keyword, far], [keyword, close, far], [12f, 3f, 1f], id => cosine[id]);

        // keyword: meaning (0.70-0.50)/(0.72-0.50) = 0.909, words 1 → 0.955; close: 1 and 0.25 → 0.625; onlyMeaning: 0.955 and 0 → 0.477.
        Assert.Equal(0.9545f, scores[keyword], 3);
        Assert.Equal(0.625f, scores[close], 3);
        Assert.Equal(0.4773f, scores[onlyMeaning], 3);
        Assert.Equal((0f + (1f / 12)) / 2, scores[far], 3);
        Assert.Equal(FusionMethod.Scores, fusion.Method);

        // First in both is 1; the semantic weight moves the balance.
        Assert.Equal(1f, fusion.Fuse([keyword], [keyword], [5f], _ => 0.8f)[keyword], 5);
        var semanticHeavy = fusion with { SemanticWeight = 10f };
        var heavy = semanticHeavy.Fuse([close, onlyMeaning, keyword, far], [keyword, close, far], [12f, 3f, 1f], id => cosine[id]);
        Assert.True(heavy[close] > heavy[keyword]);
        Assert.Throws<ArgumentNullException>(() => fusion.Fuse([close], [close], [1f]));
    }

    [Fact]
    public void Near_equal_lexical_scores_share_a_rank_so_the_semantic_ranking_orders_them()
    {
        Assert.Equal([1, 1, 1, 4, 4], RankFusion.TiedRanks([5.8308f, 5.8308f, 5.8247f, 4.1f, 4.09f], RankFusion.LexicalTieTolerance));
        Assert.Equal([1, 2, 3], RankFusion.TiedRanks([3f, 2f, 1f], RankFusion.LexicalTieTolerance));

        // Twin videos tie lexically with the right one a hair behind; semantically the right one is first.
        Guid twinA = Guid.NewGuid(), twinB = Guid.NewGuid(), right = Guid.NewGuid();
        var ranks = new RankFusion(K: 20, SemanticWeight: 1f, LexicalWeight: 1f, Method: FusionMethod.Ranks);
        var scores = ranks.Fuse([right, twinA, twinB], [twinA, twinB, right], [5.8308f, 5.8308f, 5.8247f]);
        Assert.True(scores[right] > scores[twinA] && scores[right] > scores[twinB]);

        // A real lexical lead still counts.
        var clear = ranks.Fuse([right, twinA], [twinA, right], [9f, 5f]);
        Assert.Equal(clear[right], clear[twinA], 5);
    }
}
