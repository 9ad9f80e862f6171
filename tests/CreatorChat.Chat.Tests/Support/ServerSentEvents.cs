using System.Runtime.CompilerServices;
using System.Text;

namespace CreatorChat.Chat.Tests.Support;

/// <summary>A strict reader of the text/event-stream format, for checking what clients receive.</summary>
public static class ServerSentEvents
{
    public sealed record Item(string Event, string Data);

    public static async IAsyncEnumerable<Item> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var name = "message";
        var data = new StringBuilder();
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return new Item(name, data.ToString());
                }

                name = "message";
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    break;
            }
        }
    }
}
