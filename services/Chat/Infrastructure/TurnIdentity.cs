using System.Security.Cryptography;
using System.Text;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// The gateway's id for one chat turn it forwards (<see cref="TurnIdHeader"/>: a UUID v7 made once per client request and sent
/// again with every retry of it; a client's own value never passes the gateway). The ids of the turn's question and, for
/// a new conversation, of the conversation are derived from it and the user, so a retry on another replica of a turn that
/// a dying replica already started stores nothing twice: its inserts meet the rows already there. Without the header
/// (a direct call) every turn gets fresh ids.
/// </summary>
public static class TurnIdentity
{
    public static Guid? From(HttpRequest request) =>
        Guid.TryParse(request.Headers[TurnIdHeader.Name].ToString(), out var id) && id != Guid.Empty ? id : null;

    /// <summary>
    /// A UUID v7 for <paramref name="purpose"/> within the turn: the turn id's millisecond timestamp (ids stay in time
    /// order), the rest from SHA-256 of the turn id, the user and the purpose (another user's turn never meets it).
    /// </summary>
    public static Guid Derive(Guid turnId, Guid userId, string purpose)
    {
        Span<byte> input = stackalloc byte[32 + Encoding.UTF8.GetMaxByteCount(purpose.Length)];
        turnId.TryWriteBytes(input, bigEndian: true, out _);
        userId.TryWriteBytes(input[16..], bigEndian: true, out _);
        var length = 32 + Encoding.UTF8.GetBytes(purpose, input[32..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input[..length], hash);

        Span<byte> id = stackalloc byte[16];
        hash[..16].CopyTo(id);
        input[..6].CopyTo(id); // unix_ts_ms of the turn id (big-endian)
        id[6] = (byte)(0x70 | (id[6] & 0x0F)); // version 7
        id[8] = (byte)(0x80 | (id[8] & 0x3F)); // RFC 9562 variant
        return new Guid(id, bigEndian: true);
    }
}
