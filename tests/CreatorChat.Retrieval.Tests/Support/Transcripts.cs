using System.Globalization;
using System.Text;

namespace CreatorChat.Retrieval.Tests.Support;

/// <summary>Small, readable transcripts for tests.</summary>
public static class Transcripts
{
    /// <summary>An SRT file with one cue per sentence, <paramref name="secondsPerCue"/> seconds each.</summary>
    public static string Srt(IEnumerable<string> sentences, double secondsPerCue = 4, double start = 0)
    {
        var builder = new StringBuilder();
        var index = 1;
        var time = start;
        foreach (var sentence in sentences)
        {
            builder.Append(index++).Append('\n')
                .Append(Timestamp(time)).Append(" --> ").Append(Timestamp(time + secondsPerCue)).Append('\n')
                .Append(sentence).Append("\n\n");
            time += secondsPerCue;
        }

        return builder.ToString();
    }

    public static string Timestamp(double seconds, char separator = ',')
    {
        var t = TimeSpan.FromSeconds(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}{separator}{t.Milliseconds:000}");
    }

    public static readonly string[] Bread =
    [
        "Today we bake a no-knead bread with a long cold fermentation.",
        "The dough sits in the fridge for three days, and the yeast slowly builds flavour.",
        "Hydration matters: at seventy-five percent water the crumb opens up beautifully.",
        "Preheat the Dutch oven for forty-five minutes so the crust blisters.",
        "Bake covered for twenty minutes, then uncovered until the crust is deep brown.",
    ];

    public static readonly string[] Searing =
    [
        "Searing a steak is about the Maillard reaction, not sealing in juices.",
        "Dry the surface with paper towels, because water keeps the pan below browning temperature.",
        "A cast iron pan holds heat, so the temperature does not crash when the meat goes in.",
        "Flip every thirty seconds for an even crust and a rosy centre.",
        "Rest the steak briefly, then slice against the grain.",
    ];

    public static readonly string[] Fermentation =
    [
        "Lacto-fermented pickles need only salt, water and time.",
        "Use a two percent brine by weight, and keep the cucumbers under the liquid.",
        "Lactic acid bacteria outcompete spoilage microbes as the brine turns sour.",
        "After five days at room temperature the pickles are crunchy and tangy.",
    ];
}
