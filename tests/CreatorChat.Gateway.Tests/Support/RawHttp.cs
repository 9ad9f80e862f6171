using System.Net.Sockets;
using System.Text;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CreatorChat.Gateway.Tests.Support;

/// <summary>
/// Requests written byte by byte on a TCP socket to a gateway on real Kestrel, for what HttpClient
/// refuses to send: path spellings it would normalise, bodies shorter than their Content-Length,
/// invalid chunks, CONNECT.
/// </summary>
public static class RawHttp
{
    /// <summary>A gateway replica listening on a loopback port (Kestrel, not the in-memory test server).</summary>
    public static Uri StartOnKestrel(ServiceFactory<Program> factory)
    {
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <param name="request">The request head and body, with CRLF line ends.</param>
    /// <param name="halfClose">Shut the sending side after the request (the client has nothing more to send).</param>
    /// <returns>The status code (0 when the connection closed without an answer) and the whole response text.</returns>
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string request, bool halfClose = false, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        if (halfClose)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var response = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                response.Write(buffer, 0, read);
                if (IsComplete(response))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // Reset or timed out: whatever arrived is the answer.
        }

        var text = Encoding.UTF8.GetString(response.ToArray());
        var status = text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9, 3), out var code) ? code : 0;
        return (status, text);
    }

    public static string Post(string path, string host, string json, string? token = null, string? extraHeaders = null) =>
        $"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n" +
        (token is null ? "" : $"Authorization: Bearer {token}\r\n") + (extraHeaders ?? "") + "Connection: close\r\n\r\n" + json;

    // A head plus a body of Content-Length bytes (or a chunked body's last chunk) has fully arrived.
    private static bool IsComplete(MemoryStream response)
    {
        var text = Encoding.UTF8.GetString(response.GetBuffer(), 0, (int)response.Length);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        var head = text[..headEnd];
        var lengthAt = head.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
        if (lengthAt >= 0)
        {
            var end = head.IndexOf("\r\n", lengthAt, StringComparison.Ordinal);
            var length = int.Parse(head.AsSpan(lengthAt + 16, (end < 0 ? head.Length : end) - lengthAt - 16), System.Globalization.CultureInfo.InvariantCulture);
            return response.Length - (headEnd + 4) >= length;
        }

        return head.Contains("chunked", StringComparison.OrdinalIgnoreCase) ? text.EndsWith("0\r\n\r\n", StringComparison.Ordinal) : false;
    }
}
