using System.Net;
using System.Net.Sockets;

namespace InboxServerless.Azure.Http;

/// <summary>The outbound guard refused to connect: the address (or the scheme) is not one the app may reach.</summary>
public sealed class OutboundRefusedException(string message) : Exception(message);

/// <summary>
/// The one way out to a URL a user supplied (today: an inbox's Slack webhook). EVERY request to such a URL must go
/// through an <see cref="HttpClient"/> over <see cref="CreateHandler"/>: a check of the URL's text alone is not enough,
/// since a name can resolve to an inside address (or be re-pointed there after the check). At connect time, after DNS
/// resolution, the guard refuses anything but https, and any address that is not public — loopback, private, link-local
/// (the cloud metadata endpoint 169.254.169.254 among them), CGNAT, unspecified, multicast, reserved, and the IPv6 forms
/// that embed one of those — then connects to the very addresses it vetted, so nothing is resolved twice.
/// </summary>
public static class OutboundGuard
{
    /// <summary>Resolves a host name: <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> unless a test stubs it.</summary>
    public delegate Task<IPAddress[]> Resolver(string host, CancellationToken ct);

    /// <summary>
    /// A handler that connects only to public addresses over https. No proxy (the proxy would be what is vetted), no
    /// redirects (a webhook has no reason to redirect); connections renewed every few minutes so DNS changes are seen.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(Resolver? resolve = null)
    {
        resolve ??= (host, ct) => Dns.GetHostAddressesAsync(host, ct);
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = (context, ct) => Connect(context, resolve, ct),
        };
    }

    private static async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, Resolver resolve, CancellationToken ct)
    {
        if (context.InitialRequestMessage.RequestUri?.Scheme != Uri.UriSchemeHttps)
            throw new OutboundRefusedException($"Only https is allowed, not '{context.InitialRequestMessage.RequestUri?.Scheme}'.");
        var addresses = await Vet(context.DnsEndPoint.Host, resolve, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }; // dual mode: IPv4 and IPv6
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The host's addresses, all of them public, or an <see cref="OutboundRefusedException"/>.</summary>
    public static async Task<IPAddress[]> Vet(string host, Resolver resolve, CancellationToken ct)
    {
        var bare = host.TrimStart('[').TrimEnd(']');
        var addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await resolve(bare, ct);
        if (addresses.Length == 0) throw new OutboundRefusedException($"'{host}' resolves to no address.");
        // One inside address is enough to refuse: a name that mixes them is not one to trust.
        foreach (var address in addresses)
            if (Refusal(address) is { } why) throw new OutboundRefusedException($"'{host}' resolves to {address}, {why}: refused.");
        return addresses;
    }

    /// <returns>Why the app must not connect to the address, or <c>null</c> for a public one.</returns>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return Refusal(address.MapToIPv4());
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => RefusalV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => RefusalV6(address),
            _ => "not an IP address",
        };
    }

    private static string? RefusalV4(byte[] b) => b switch
    {
        [0, ..] => "an unspecified address (0.0.0.0/8)",
        [127, ..] => "a loopback address (127.0.0.0/8)",
        [10, ..] => "a private address (10.0.0.0/8)",
        [172, >= 16 and <= 31, ..] => "a private address (172.16.0.0/12)",
        [192, 168, ..] => "a private address (192.168.0.0/16)",
        [169, 254, ..] => "a link-local address (169.254.0.0/16, cloud metadata among them)",
        [100, >= 64 and <= 127, ..] => "a shared (CGNAT) address (100.64.0.0/10)",
        [192, 0, 0, _] => "an IETF protocol address (192.0.0.0/24)",
        [198, 18 or 19, ..] => "a benchmarking address (198.18.0.0/15)",
        [>= 224 and <= 239, ..] => "a multicast address (224.0.0.0/4)",
        [>= 240, ..] => "a reserved or broadcast address (240.0.0.0/4)",
        _ => null,
    };

    private static string? RefusalV6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Any)) return "the unspecified address (::)";
        if (IPAddress.IsLoopback(address)) return "the loopback address (::1)";
        if (address.IsIPv6Multicast) return "a multicast address (ff00::/8)";
        if (address.IsIPv6LinkLocal) return "a link-local address (fe80::/10)";
        if (address.IsIPv6SiteLocal) return "a site-local address (fec0::/10)";
        if (address.IsIPv6UniqueLocal) return "a private address (fc00::/7)";
        // Forms that carry an IPv4 address inside: judged by that address.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return RefusalV4(b[12..]) ?? "an IPv4-compatible address (::/96)";
        if (b is [0x00, 0x64, 0xff, 0x9b, ..] && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0) return RefusalV4(b[12..]); // NAT64 64:ff9b::/96
        if (b is [0x20, 0x02, ..]) return RefusalV4(b[2..6]); // 6to4 2002::/16
        return null;
    }
}
