using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Chat.Llm;

/// <summary>Configuration section <c>Chat:Model</c>.</summary>
public sealed class ChatModelOptions
{
    public const string Section = "Chat:Model";

    /// <summary>A streaming model that stays silent this long is treated as down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
