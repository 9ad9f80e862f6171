using System.Text.Json.Serialization;

namespace CreatorChat.Retrieval.Model;

/// <summary>What retrieval needs to know about a creator: that it exists, is active, and who owns it.</summary>
public sealed record CreatorProfile(Guid Id, [property: JsonPropertyName("slug")] string CreatorSlug, string Name, Guid? OwnerId, bool IsActive);
