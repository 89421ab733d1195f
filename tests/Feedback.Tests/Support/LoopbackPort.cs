using System.Net;
using System.Net.Sockets;

namespace Feedback.Tests.Support;

public static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 that nothing listens on now, for a listener a test starts next.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
