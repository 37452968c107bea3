using System.Net.Sockets;
using System.Text;
using InboxServerless.Functions.Http;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Requests written byte for byte over a socket, since <see cref="HttpClient"/> normalises paths: what reaches the host
/// is the path a client wrote, as App Service's front end sees it.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class RawRequestTests(DevHostFixture host)
{
    private readonly string forgedAdmin = ClientPrincipal.Encode(DevHostFixture.NewAccount(), "mallory", ClientPrincipal.AccountAdminRole);

    [Fact]
    public async Task An_ordinary_path_written_raw_is_served()
    {
        var (status, _) = await Send("GET", "/api/inboxes", forgedAdmin);

        Assert.Equal(200, status);
    }

    /// <summary>In Azure the front end excludes <c>/api/webhooks/*</c> from sign-in: these would reach the admin API with a forged principal.</summary>
    [Theory]
    [InlineData("/api/webhooks/%2e%2e/inboxes")]
    [InlineData("/api/webhooks/%2E%2E/inboxes")]
    [InlineData("/api/webhooks/.%2e/inboxes")]
    [InlineData("/api/webhooks/../inboxes")]
    [InlineData("/api/webhooks%2f..%2finboxes")]
    [InlineData("/api/webhooks/..%5cinboxes")]
    public async Task A_path_that_climbs_out_of_the_webhooks_is_refused(string target)
    {
        var (status, response) = await Send("GET", target, forgedAdmin);

        Assert.Equal(400, status);
        Assert.Contains("application/problem+json", response, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"items\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_principal_on_a_webhook_route_is_refused()
    {
        var (status, response) = await Send("GET", "/api/webhooks/messenger?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42", forgedAdmin);

        Assert.Equal(400, status);
        Assert.Contains("A webhook takes no principal.", response, StringComparison.Ordinal);
    }

    private async Task<(int Status, string Response)> Send(string method, string target, string? principal)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append($"{method} {target} HTTP/1.1\r\n")
            .Append($"Host: {host.BaseAddress.Authority}\r\n")
            .Append(principal is null ? "" : $"{ClientPrincipal.Header}: {principal}\r\n")
            .Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        // "HTTP/1.1 400 Bad Request"
        return (int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture), response);
    }
}
