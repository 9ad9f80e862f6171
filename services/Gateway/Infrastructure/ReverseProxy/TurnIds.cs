using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// Each chat turn the gateway forwards carries an id (<see cref="TurnIdHeader"/>) it makes once per client request (a UUID v7) and sends again with
/// every retry of that request (<see cref="ForwardingFailures"/>): chat derives the ids of the turn's question and new
/// conversation from it (chat's <c>TurnIdentity</c>), so a turn retried after its replica died is not stored twice. A
/// client's own header of that name never passes (<see cref="HeaderHygiene"/> drops every <c>X-CreatorChat-*</c>).
/// </summary>
public static class TurnIds
{
    private static readonly object Key = new();

    /// <summary>Gives this request its turn id, once (the retries of it keep the same one).</summary>
    public static void Assign(HttpContext context, TimeProvider time) => context.Items.TryAdd(Key, Guid.CreateVersion7(time.GetUtcNow()).ToString());

    /// <summary>The request's turn id, if it is a chat turn.</summary>
    public static string? Of(HttpContext context) => context.Items.TryGetValue(Key, out var id) ? id as string : null;
}
