using CreatorChat.Chat.Model;

namespace CreatorChat.Chat.Tests.Support;

/// <summary>
/// A small knowledge base written for these tests: a baking creator's video transcripts, in the
/// passage shape retrieval returns (with real-looking timings and deep links).
/// </summary>
public static class SampleKnowledge
{
    public const string Slug = "kitchen-lab";

    public static readonly CreatorProfile Creator = new(
        Guid.Parse("0190e0a5-0000-7000-8000-000000000001"), Slug, "Maya Okafor", "Home cooking science", "Kitchen myths, tested.",
        null, "You are Maya. Speak warmly and plainly. Never invent results you did not show in a video.", Guid.Parse("0190e0a5-0000-7000-8000-0000000000aa"), true);

    public static readonly IReadOnlyList<(string VideoId, string Title, double Start, double End, string Text)> Chunks =
    [
        ("vid-knead-01", "Why you knead bread dough", 62, 118,
            "So, why do we knead at all? Kneading lines up the gluten proteins into long elastic strands. " +
            "I kneaded one dough for ten minutes and left the other alone, and the kneaded loaf rose almost twice as high. " +
            "If your dough tears when you stretch it, keep kneading for another two minutes."),
        ("vid-knead-01", "Why you knead bread dough", 118, 171,
            "The windowpane test tells you when to stop. Stretch a small piece thin: if light shines through without tearing, the gluten is ready. " +
            "Over-kneading by hand is almost impossible, so don't worry about that."),
        ("vid-rest-02", "How long should dough rest?", 30, 95,
            "Resting dough lets the gluten relax, which is why it stops springing back when you roll it. " +
            "In my test, twenty minutes of rest made the dough twice as easy to roll out. " +
            "After an hour at room temperature I saw no further difference."),
        ("vid-sear-03", "The chemistry of a good sear", 10, 70,
            "A good sear is the Maillard reaction: sugars and amino acids browning above about 140 degrees Celsius. " +
            "Dry the steak with paper towels first, because water keeps the surface at 100 degrees until it evaporates. " +
            "I measured it: a wet steak took ninety seconds longer to brown."),
        ("vid-knife-04", "Knife skills: the claw grip", 5, 48,
            "Curl your fingertips under and rest the knife against your knuckles. That's the claw grip. " +
            "It keeps your fingertips away from the blade while you slice."),
    ];

    public static IReadOnlyList<Passage> Passages(params int[] indexes) =>
        indexes.Select((chunk, i) =>
        {
            var c = Chunks[chunk];
            return new Passage(i + 1, c.VideoId, c.Title, c.Start, c.End, c.Text, 0.9 - (i * 0.1), $"https://youtu.be/{c.VideoId}?t={(int)c.Start}");
        }).ToList();
}
