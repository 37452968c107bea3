using System.Text;
using System.Text.Json;
using InboxServerless.Azure.Email;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace InboxServerless.Functions.Tests;

/// <summary>
/// The preview as HTTP sends it: the channel's JSON as the channel API takes it, the user's id; the answer in the API's
/// JSON, with the real sanitiser of sent mail between the signature and the answer.
/// </summary>
public sealed class EmailPreviewFunctionsTests
{
    private const string Account = "acct-1";

    private readonly EmailPreviewFunctions functions;

    public EmailPreviewFunctionsTests()
    {
        var directories = new Mock<IDirectoryStore>();
        directories.Setup(d => d.Load(Account, It.IsAny<CancellationToken>())).ReturnsAsync(new AccountDirectory(
            [new User("jane", Account, "Jane Doe", "jane@contoso.test", HasPaidSeat: true, IsSuperAdmin: false)], []));
        var replies = new EmailReplies(Mock.Of<IConversationStore>(), Mock.Of<IInboxStore>(), directories.Object, Mock.Of<IInboundQueue>(),
            Mock.Of<IAttachmentStore>(), new MailHtml(), [], new FakeTimeProvider());
        functions = new EmailPreviewFunctions(new EmailPreviews(directories.Object, replies));
    }

    private static HttpRequest Request(string json, params string[] roles)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        context.Request.ContentType = "application/json";
        context.Request.Headers[ClientPrincipal.Header] = ClientPrincipal.Encode(Account, "admin", roles);
        return context.Request;
    }

    private static async Task<(int Status, JsonElement Body)> Execute(IResult result)
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, JsonDocument.Parse(context.Response.Body).RootElement.Clone());
    }

    private Task<IResult> Preview(string json, params string[] roles) => functions.Preview(Request(json, roles), default);

    [Fact]
    public async Task The_from_name_and_the_signature_filled_for_the_user_come_back_clean()
    {
        var (status, body) = await Execute(await Preview("""
            {"channel":{"kind":"email","provider":"forwarding","address":"help@contoso.com",
                        "fromName":{"format":"agentAndCompany","companyName":"Contoso"},
                        "signature":"<p onclick=\"x()\">{{fullName}}</p><img src=x onerror=\"alert(1)\"><script>alert(2)</script>"},
             "userId":"jane"}
            """, ClientPrincipal.AccountAdminRole));

        Assert.Equal(200, status);
        Assert.Equal("Jane Doe at Contoso <help@contoso.com>", body.GetProperty("from").GetString());
        Assert.Equal("Jane Doe at Contoso", body.GetProperty("fromName").GetString());
        foreach (var html in new[] { body.GetProperty("signatureHtml").GetString()!, body.GetProperty("sampleHtml").GetString()! })
        {
            Assert.Contains("Jane Doe", html, StringComparison.Ordinal);
            Assert.DoesNotContain("script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal("Jane Doe", body.GetProperty("signatureText").GetString()!.Trim());
        Assert.EndsWith("-- \nJane Doe", body.GetProperty("sampleText").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Office_365_shows_the_mailbox_alone_and_no_from_name()
    {
        var (status, body) = await Execute(await Preview("""
            {"channel":{"kind":"email","provider":"office365","address":"help@contoso.com"},"userId":"jane"}
            """, ClientPrincipal.AccountAdminRole));

        Assert.Equal(200, status);
        Assert.Equal("help@contoso.com", body.GetProperty("from").GetString());
        Assert.False(body.TryGetProperty("fromName", out _)); // the API leaves nulls out
    }

    [Theory]
    [InlineData("""{"channel":{"kind":"email","provider":"gmail","address":"help@contoso.com"},"userId":"jane"}""", 400, "channel.fromName")]
    [InlineData("""{"channel":{"kind":"email","provider":"gmail","address":"help@contoso.com","colour":"red"},"userId":"jane"}""", 400, "channel.colour")]
    [InlineData("""{"channel":{"kind":"form","formId":"f"},"userId":"jane"}""", 400, "channel.kind")]
    [InlineData("""{"channel":{"provider":"office365","address":"help@contoso.com"},"userId":"jane"}""", 400, "channel.kind")]
    [InlineData("""{"channel":{"kind":"email","provider":"office365","address":"help@contoso.com"}}""", 400, null)]
    [InlineData("""{"channel":{"kind":"email","provider":"office365","address":"help@contoso.com"},"userId":"zed"}""", 404, null)]
    public async Task Settings_the_channel_api_would_refuse_and_an_unknown_user_are_problems(string json, int expected, string? field)
    {
        var (status, body) = await Execute(await Preview(json, ClientPrincipal.AccountAdminRole));

        Assert.Equal(expected, status);
        if (field is not null) Assert.Equal(field, body.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_is_refused()
    {
        var (status, _) = await Execute(await Preview("""{"channel":{"kind":"email","provider":"office365","address":"help@contoso.com"},"userId":"jane"}"""));

        Assert.Equal(403, status);
    }
}
