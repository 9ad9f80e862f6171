using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Chat.Llm;

/// <summary>Configuration section <c>Chat:OfflineModel</c>.</summary>
public sealed class OfflineModelOptions
{
    public const string Section = "Chat:OfflineModel";

    /// <summary>A pause between streamed tokens (demos that want to see typing). Zero by default: fast and deterministic.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;
}
