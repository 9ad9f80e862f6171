namespace CreatorChat.Cli.Api;

public sealed record CreatorSummary(string Slug, string Name, string? Specialty, string? Description, int VideoCount);

public sealed record NewCreator(string Slug, string Name, string? Specialty = null, string? Description = null);
