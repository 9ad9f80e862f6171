namespace CreatorChat.Cli.Ingest;

/// <summary>A caption file to upload, with the video it belongs to.</summary>
public sealed record CaptionFile(string Path, string VideoId, string Title, string? Url, string Format, string Transcript);
