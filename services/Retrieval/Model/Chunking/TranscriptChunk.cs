namespace CreatorChat.Retrieval.Model.Chunking;

/// <summary>A passage of a video: a few whole sentences and the seconds they span.</summary>
public sealed record TranscriptChunk(int Sequence, double StartSeconds, double EndSeconds, string Text);
