using System.Net;
using System.Net.Sockets;

namespace Madoguchi.Testing.Servers;

/// <summary>Picks TCP ports on 127.0.0.1 that nothing listens on right now.</summary>
public static class FreePort
{
    // Ports handed out in this process are never handed out twice, so two fixtures
    // started back to back cannot both receive a port the kernel just released.
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Get()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var port = AskKernel();
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No free TCP port found on 127.0.0.1.");
    }

    private static int AskKernel()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
