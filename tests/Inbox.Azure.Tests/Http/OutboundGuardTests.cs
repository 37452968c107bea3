using System.Net;
using System.Net.Sockets;
using InboxServerless.Azure.Http;
using InboxServerless.Azure.Notifications;
using InboxServerless.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure.Tests.Http;

/// <summary>
/// The outbound guard. Nothing here connects anywhere but to a listener on loopback (which must never see a connection):
/// inside ranges are checked through the pure classifier, and names through a stub resolver that is refused before any connect.
/// </summary>
public sealed class OutboundGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.127.255.255", "CGNAT")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:100.64.1.1", "CGNAT")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("2002:7f00:1::1", "loopback")]
    public void Inside_addresses_are_refused_with_the_reason(string address, string reason) =>
        Assert.Contains(reason, OutboundGuard.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("54.68.1.2")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("169.253.1.1")]
    [InlineData("2a00:1450:4001::200e")]
    [InlineData("::ffff:54.68.1.2")]
    public void Public_addresses_pass(string address) => Assert.Null(OutboundGuard.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("54.68.1.2,192.168.0.10")] // one inside address among public ones is enough
    public async Task A_name_that_resolves_inside_is_refused(string resolved)
    {
        var addresses = resolved.Split(',').Select(IPAddress.Parse).ToArray();

        var refused = await Assert.ThrowsAsync<OutboundRefusedException>(() =>
            OutboundGuard.Vet("hooks.slack.com", (_, _) => Task.FromResult(addresses), default));

        Assert.Contains("hooks.slack.com", refused.Message);
    }

    [Fact]
    public async Task A_name_that_resolves_inside_is_refused_by_the_handler_before_it_connects()
    {
        using var client = new HttpClient(OutboundGuard.CreateHandler((_, _) => Task.FromResult(new[] { IPAddress.Parse("10.9.8.7") })));

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("https://hooks.slack.com/services/T/B/X"));

        Assert.IsType<OutboundRefusedException>(failed.InnerException);
    }

    [Theory]
    [InlineData("https://127.0.0.1:{0}/x")]
    [InlineData("https://localhost:{0}/x")]
    [InlineData("http://127.0.0.1:{0}/x")]
    [InlineData("https://[::ffff:127.0.0.1]:{0}/x")]
    public async Task The_slack_notifier_never_reaches_a_listener_on_loopback(string url)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var slack = new ServiceCollection().AddSlackNotifier().BuildServiceProvider().GetRequiredService<ISlackNotifier>();

            var posted = await slack.Post(string.Format(url, port), "hello", default);

            // Refused for good: the notice is not tried again.
            Assert.False(posted.IsSent);
            Assert.Contains("refused", posted.Failure);
            await Task.Delay(100);
            Assert.False(listener.Pending(), "the listener was connected to");
        }
        finally
        {
            listener.Stop();
        }
    }
}
