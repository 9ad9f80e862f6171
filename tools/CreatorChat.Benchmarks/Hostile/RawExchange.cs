using System.Net.Sockets;
using System.Text;

namespace CreatorChat.Benchmarks.Hostile;

/// <summary>One hostile request: its class, a label to show, and the exact bytes sent on a fresh connection.</summary>
public sealed record HostileRequest(string Class, string Label, byte[] Bytes, bool HalfClose = false);

/// <summary>Writes a request byte by byte on a TCP connection and reads the status of the answer (0: none).</summary>
public static class RawExchange
{
    public static async Task<int> SendAsync(Uri server, HostileRequest request, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(server.Host, server.Port, deadline.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(request.Bytes, deadline.Token);
            if (request.HalfClose)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }

            // The status line is all that is judged; read until it has arrived.
            var buffer = new byte[4096];
            var received = 0;
            while (received < 12)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(received), deadline.Token);
                if (read == 0)
                {
                    break;
                }

                received += read;
            }

            var head = Encoding.ASCII.GetString(buffer, 0, received);
            return head.StartsWith("HTTP/1.", StringComparison.Ordinal) && head.Length >= 12 && int.TryParse(head.AsSpan(9, 3), out var status) ? status : 0;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            return 0; // reset, refused or no answer in time
        }
    }
}
