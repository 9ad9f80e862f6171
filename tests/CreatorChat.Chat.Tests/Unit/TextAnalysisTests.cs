using CreatorChat.Chat.Text;
using Xunit;

namespace CreatorChat.Chat.Tests.Unit;

public sealed class TextAnalysisTests
{
    [Theory]
    [InlineData("How do I  knead dough?", "how do i knead dough")]
    [InlineData("  how do i KNEAD dough ", "how do i knead dough")]
    [InlineData("Don't I need to rest it?!", "dont i need to rest it")]
    [InlineData("Don’t I need to rest it", "dont i need to rest it")]
    [InlineData("What's the best temp — 140°C?", "whats the best temp 140 c")]
    [InlineData("Ｆｕｌｌｗｉｄｔｈ sear", "fullwidth sear")]
    [InlineData("Crème brûlée?", "crème brûlée")]
    [InlineData("???", "")]
    public void Questions_that_differ_only_in_case_spacing_and_punctuation_share_a_key(string question, string key) =>
        Assert.Equal(key, TextAnalysis.NormalizeQuestion(question));

    [Fact]
    public void Keys_are_bounded()
    {
        var key = TextAnalysis.NormalizeQuestion(string.Join(' ', Enumerable.Repeat("knead", 1000)));
        Assert.True(key.Length <= TextAnalysis.MaxKeyLength);
    }

    [Theory]
    [InlineData("proofing", "proofed", "proofs")]
    [InlineData("bake", "baking", "baked")]
    [InlineData("box", "boxes", "box")]
    [InlineData("class", "classes", "class")]
    [InlineData("stop", "stopped", "stopping")]
    [InlineData("pipeline", "pipelines", "pipeline")]
    [InlineData("tokenizer", "tokenizers", "tokenizer")]
    public void Word_forms_meet_at_one_stem(string a, string b, string c)
    {
        Assert.Equal(TextAnalysis.Stem(a), TextAnalysis.Stem(b));
        Assert.Equal(TextAnalysis.Stem(a), TextAnalysis.Stem(c));
    }

    [Fact]
    public void Content_terms_leave_out_stopwords()
    {
        var terms = TextAnalysis.ContentTerms("How do I know when my bread dough is kneaded enough?");
        Assert.Equal(new[] { "bread", "dough", "knead" }.OrderBy(t => t), terms.OrderBy(t => t));
    }

    [Fact]
    public void Sentences_split_at_terminal_punctuation_but_not_inside_abbreviations_or_numbers()
    {
        var sentences = TextAnalysis.SplitSentences(
            "Heat it to 3.5 kW, e.g. on the big burner. Does it smoke? Yes! Then wait… and flip it. \"Done.\" Next one");
        Assert.Equal(
            ["Heat it to 3.5 kW, e.g. on the big burner.", "Does it smoke?", "Yes!", "Then wait…", "and flip it.", "\"Done.\"", "Next one"],
            sentences);
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(62.9, "1:02")]
    [InlineData(3725, "1:02:05")]
    [InlineData(-5, "0:00")]
    public void Timestamps_read_like_video_players(double seconds, string expected) =>
        Assert.Equal(expected, TextAnalysis.FormatTimestamp(seconds));

    [Fact]
    public void Truncation_cuts_at_a_word_boundary_with_an_ellipsis()
    {
        Assert.Equal("How do I knead…", TextAnalysis.Truncate("How do I knead bread dough properly", 16));
        Assert.Equal("short", TextAnalysis.Truncate("short", 16));
    }

    [Fact]
    public void White_space_and_control_characters_collapse_to_single_spaces() =>
        Assert.Equal("a b c d", TextAnalysis.CollapseWhitespace("  a\r\n b\t\tc\u0007d  "));
}
