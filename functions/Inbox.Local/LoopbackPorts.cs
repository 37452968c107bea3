using System.Net;
using System.Net.Sockets;

namespace InboxServerless.Local;

/// <summary>
/// Ports free on loopback now, as the system hands them out. Asked for several at once, they are held together until
/// all are known, so they differ.
/// </summary>
public static class LoopbackPorts
{
    public static int Free() => Free(1)[0];

    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
