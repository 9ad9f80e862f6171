// Over 300 lines on purpose: the caption formats (SRT, VTT, text) and their malformed variants, one case each.
using CreatorChat.Retrieval.Model.Captions;
using CreatorChat.Retrieval.Tests.Support;

namespace CreatorChat.Retrieval.Tests.Unit.Captions;

public sealed class CaptionParserTests
{
    [Fact]
    public void Srt_with_a_byte_order_mark_and_crlf_line_ends_is_read()
    {
        var srt = "\uFEFF1\r\n00:00:01,000 --> 00:00:03,500\r\nHello there.\r\n\r\n2\r\n00:00:03,500 --> 00:00:06,000\r\nSecond line\r\nwraps here.\r\n";

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.Empty(result.Issues);
        Assert.Equal([new Cue(1, 3.5, "Hello there."), new Cue(3.5, 6, "Second line wraps here.")], result.Cues);
    }

    [Fact]
    public void Old_mac_cr_only_line_ends_are_read()
    {
        var result = CaptionParser.Parse("1\r00:00:01,000 --> 00:00:02,000\rOne.\r\r2\r00:00:02,000 --> 00:00:03,000\rTwo.", CaptionFormat.Srt);

        Assert.Equal(["One.", "Two."], result.Cues.Select(c => c.Text));
    }

    [Fact]
    public void Missing_cue_numbers_and_missing_blank_lines_are_tolerated()
    {
        var srt = """
            00:00:01,000 --> 00:00:02,000
            No number on this cue.
            2
            00:00:02,000 --> 00:00:03,000
            No blank line before this one.

            00:00:03.000 --> 00:00:04.000
            A dot instead of a comma.
            """;

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.Empty(result.Issues);
        Assert.Equal(["No number on this cue.", "No blank line before this one.", "A dot instead of a comma."], result.Cues.Select(c => c.Text));
        Assert.Equal([1.0, 2.0, 3.0], result.Cues.Select(c => c.Start));
    }

    [Fact]
    public void A_number_spoken_inside_a_cue_is_kept_as_text()
    {
        var srt = "1\n00:00:01,000 --> 00:00:04,000\nThe answer is\n42\n\n2\n00:00:04,000 --> 00:00:05,000\nExactly.\n";

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.Equal("The answer is 42", result.Cues[0].Text);
    }

    [Fact]
    public void Markup_entities_and_sound_annotations_are_removed()
    {
        var srt = """
            1
            00:00:01,000 --> 00:00:03,000
            {\an8}<i>Salt</i> &amp; <b>pepper</b>, <font color="#ffff00">always</font>.

            2
            00:00:03,000 --> 00:00:04,000
            (screen whooshes)

            3
            00:00:04,000 --> 00:00:06,000
            [Music] ♪ la la ♪
            - Then the <u>sear</u>.
            """;

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.Equal(["Salt & pepper, always.", "la la Then the sear."], result.Cues.Select(c => c.Text));
    }

    [Fact]
    public void Overlapping_and_unordered_cues_come_out_in_time_order()
    {
        var srt = Transcripts.Srt(["Third."], start: 10) + Transcripts.Srt(["First."], start: 0) + "\n" +
                  "3\n00:00:02,000 --> 00:00:11,000\nSecond, overlapping the others.\n";

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.Equal(["First.", "Second, overlapping the others.", "Third."], result.Cues.Select(c => c.Text));
        Assert.True(result.Cues.Zip(result.Cues.Skip(1)).All(p => p.First.Start <= p.Second.Start));
    }

    [Fact]
    public void Webvtt_header_comments_styles_identifiers_settings_and_tags_are_handled()
    {
        var vtt = """
            WEBVTT - The Kitchen Lab
            Kind: captions
            Language: en

            NOTE This is a comment
            that spans two lines.

            STYLE
            ::cue { color: yellow }

            intro
            00:01.000 --> 00:04.000 align:start position:10%
            <v Maya>Welcome to <c.highlight>the lab</c>.</v>

            00:00:04.000 --> 00:00:07.250
            We measure<00:00:05.000> <c>everything</c>.

            1:00:00.000 --> 1:00:01.000
            An hour in.
            """;

        var result = CaptionParser.Parse(vtt, CaptionFormat.Vtt);

        Assert.Empty(result.Issues);
        Assert.Equal([new Cue(1, 4, "Welcome to the lab."), new Cue(4, 7.25, "We measure everything."), new Cue(3600, 3601, "An hour in.")], result.Cues);
    }

    [Fact]
    public void Youtube_rolling_auto_captions_lose_their_repeated_lines()
    {
        // The shape of YouTube's automatic WebVTT: every cue repeats the previous line, word timings in tags,
        // and 10 ms "flash" cues that only repeat text.
        var vtt = string.Join('\n',
            "WEBVTT",
            "Kind: captions",
            "Language: en",
            "",
            "00:00:00.000 --> 00:00:02.310 align:start position:0%",
            " ",
            "so<00:00:00.390><c> today</c><00:00:00.780><c> we're</c><00:00:01.020><c> making</c>",
            "",
            "00:00:02.310 --> 00:00:02.320 align:start position:0%",
            "so today we're making",
            " ",
            "",
            "00:00:02.320 --> 00:00:04.870 align:start position:0%",
            "so today we're making",
            "bread<00:00:02.800><c> with</c><00:00:03.100><c> a</c><00:00:03.300><c> long</c><00:00:03.600><c> fermentation</c>",
            "",
            "00:00:04.870 --> 00:00:04.880 align:start position:0%",
            "bread with a long fermentation",
            " ",
            "",
            "00:00:04.880 --> 00:00:07.000 align:start position:0%",
            "bread with a long fermentation",
            "in<00:00:05.200><c> the</c><00:00:05.500><c> fridge</c>",
            "");

        var result = CaptionParser.Parse(vtt, CaptionFormat.Vtt);

        Assert.Empty(result.Issues);
        Assert.Equal("so today we're making bread with a long fermentation in the fridge", string.Join(' ', result.Cues.Select(c => c.Text)));
        Assert.Equal([0.0, 2.32, 4.88], result.Cues.Select(c => c.Start));
    }

    [Fact]
    public void An_exact_duplicate_cue_only_extends_the_previous_one()
    {
        var srt = Transcripts.Srt(["The crust is done.", "The crust is done.", "Now it rests."], secondsPerCue: 2);

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.Equal([new Cue(0, 4, "The crust is done."), new Cue(4, 6, "Now it rests.")], result.Cues);
    }

    [Fact]
    public void A_word_repeated_across_cues_is_not_mistaken_for_a_rolling_repeat()
    {
        var result = CaptionParser.Parse(Transcripts.Srt(["It is very", "very hot in here."]), CaptionFormat.Srt);

        Assert.Equal("It is very very hot in here.", string.Join(' ', result.Cues.Select(c => c.Text)));
    }

    [Fact]
    public void A_phrase_repeated_to_start_a_new_sentence_is_kept()
    {
        var result = CaptionParser.Parse(
            Transcripts.Srt(["The brown crust is the Maillard reaction.", "The Maillard reaction is a family of reactions."]), CaptionFormat.Srt);

        Assert.Equal(
            "The brown crust is the Maillard reaction. The Maillard reaction is a family of reactions.",
            string.Join(' ', result.Cues.Select(c => c.Text)));
    }

    [Fact]
    public void A_few_damaged_blocks_are_skipped_and_reported_with_their_line()
    {
        var srt = """
            1
            00:00:01,000 --> 00:00:02,000
            Good one.

            2
            00:00:99,000 --> 00:00:03,000
            Bad seconds.

            3
            00:00:04,000 -> 00:00:05,000
            Bad arrow.

            4
            00:00:05,000 --> 00:00:06,000
            Good two.

            5
            00:00:08,000 --> 00:00:07,000
            Ends before it starts.

            6
            00:00:09,000 --> 00:00:10,000
            Good three.
            """;

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.True(result.IsUsable);
        Assert.Equal(["Good one.", "Good two.", "Good three."], result.Cues.Select(c => c.Text));
        Assert.Equal(3, result.MalformedBlocks);
        Assert.Equal([6, 10, 18], result.Issues.Select(i => i.Line).Order());
        Assert.Null(result.Problem(CaptionFormat.Srt));
    }

    [Fact]
    public void Mostly_damaged_captions_are_refused_with_the_first_problems()
    {
        var srt = """
            1
            00:00:01,000 --> 00:00:02,000
            Fine.

            2
            00:00:61,000 --> 00:00:62,000
            Bad.

            3
            0:0:x --> nonsense
            Bad.
            """;

        var result = CaptionParser.Parse(srt, CaptionFormat.Srt);

        Assert.False(result.IsUsable);
        var problem = result.Problem(CaptionFormat.Srt)!;
        Assert.Contains("2 caption blocks could not be read", problem, StringComparison.Ordinal);
        Assert.Contains("line 6", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("This is just a paragraph of text.\nNo timings anywhere.")]
    [InlineData("")]
    [InlineData("\uFEFF  \r\n  ")]
    public void Text_that_is_not_srt_gives_a_clear_problem(string transcript)
    {
        var result = CaptionParser.Parse(transcript, CaptionFormat.Srt);

        Assert.False(result.IsUsable);
        Assert.Contains("No readable srt caption cues", result.Problem(CaptionFormat.Srt), StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_text_without_timestamps_is_placed_at_speaking_pace()
    {
        var words = string.Join(' ', Enumerable.Repeat("flour", 100));
        var text = "First paragraph about bread.\n\n" + words + "\n\nLast paragraph.";

        var result = CaptionParser.Parse(text, CaptionFormat.Text);

        Assert.True(result.IsUsable);
        Assert.Equal(0, result.Cues[0].Start);
        Assert.True(result.Cues.Zip(result.Cues.Skip(1)).All(p => Math.Abs(p.First.End - p.Second.Start) < 0.01), "paragraphs follow each other");
        Assert.Equal((4 + 100 + 2) / CaptionParser.SpeechWordsPerSecond, result.Cues[^1].End, 2);
        Assert.Equal("Last paragraph.", result.Cues[^1].Text);
    }

    [Fact]
    public void Plain_text_with_youtube_transcript_timestamps_keeps_them()
    {
        var text = """
            Intro title
            0:00
            welcome back to the lab
            0:07
            today: sourdough
            [1:02:03] an hour later
            """;

        var result = CaptionParser.Parse(text, CaptionFormat.Text);

        Assert.Equal([new Cue(0, 0, "Intro title"), new Cue(0, 7, "welcome back to the lab"), new Cue(7, 3723, "today: sourdough")], result.Cues.Take(3));
        Assert.Equal(3723, result.Cues[3].Start);
        Assert.Equal("an hour later", result.Cues[3].Text);
    }

    [Theory]
    [InlineData("00:00:01,000", 1.0)]
    [InlineData("01:02:03.5", 3723.5)]
    [InlineData("02:03.250", 123.25)]
    [InlineData("123:00:00,000", 442800.0)]
    [InlineData("0:00:00,7", 0.7)]
    public void Timestamps_are_read(string value, double seconds)
    {
        Assert.True(CaptionParser.TryParseTimestamp(value, out var parsed));
        Assert.Equal(seconds, parsed, 3);
    }

    [Theory]
    [InlineData("00:60:00,000")]
    [InlineData("00:00:60,000")]
    [InlineData("1:2:3:4")]
    [InlineData("abc")]
    [InlineData("-1:00")]
    public void Impossible_timestamps_are_refused(string value) => Assert.False(CaptionParser.TryParseTimestamp(value, out _));

    [RequiresSubtitlesFact]
    public void All_82_real_caption_files_parse_without_a_single_issue()
    {
        var videos = SharedData.HfCourseVideos();
        var cues = 0;
        foreach (var video in videos)
        {
            var result = CaptionParser.Parse(File.ReadAllText(video.Path), CaptionFormat.Srt);
            Assert.True(result.Issues.Count == 0, $"{Path.GetFileName(video.Path)}: {string.Join("; ", result.Issues)}");
            Assert.True(result.Cues.Count > 10, Path.GetFileName(video.Path));
            Assert.DoesNotContain(result.Cues, c => c.Text.Contains('<', StringComparison.Ordinal) || c.Text.StartsWith('(') || c.End < c.Start);
            cues += result.Cues.Count;
        }

        Assert.Equal(82, videos.Count);
        Assert.InRange(cues, 6000, 6606); // 6,606 timed cues, minus sound-only cues such as "(screen whooshes)"
    }
}
