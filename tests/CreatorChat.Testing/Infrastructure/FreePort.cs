using System.Net;
using System.Net.Sockets;

namespace CreatorChat.Testing;

public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A free port below Linux's ephemeral range (32768+), for a port handed to a process that binds it later: the
    /// ports DCP and the kernel hand out themselves come from the ephemeral range, so they cannot take it meanwhile.
    /// </summary>
    public static int OutsideEphemeralRange()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        return Next();
    }
}
