using System.Text;
using System.Text.Json;
using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace InboxServerless.Functions.Tests;

/// <summary>
/// The upload as HTTP sends it: the bytes as the body, the name in <c>?name=</c> or <c>Content-Disposition</c>, the type
/// in <c>Content-Type</c>; 201 with the stored file's JSON and Location; 413 past a reply's limit; 503 when blob storage is down.
/// </summary>
public sealed class AttachmentFunctionsTests
{
    private const string Account = "acct-1";
    private const string InboxId = "inbox-1";
    private static readonly byte[] Pdf = "%PDF-1.4 quote"u8.ToArray();

    private readonly Mock<IAttachmentStore> store = new();
    private readonly AttachmentFunctions functions;

    public AttachmentFunctionsTests()
    {
        var inboxes = new Mock<IInboxStore>();
        inboxes.Setup(s => s.Find(Account, InboxId, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Inbox>(
            Inbox.Create(InboxId, Account, new InboxSettings { Name = "Support", Members = new InboxMembers { UserIds = ["alice"] } }, DateTimeOffset.UnixEpoch),
            "\"e1\""));
        var directories = new Mock<IDirectoryStore>();
        directories.Setup(d => d.Load(Account, It.IsAny<CancellationToken>())).ReturnsAsync(new AccountDirectory(
            [new User("alice", Account, "Alice Martin", "alice@acme.test", HasPaidSeat: true, IsSuperAdmin: false)], []));
        functions = new AttachmentFunctions(new AttachmentUseCases(inboxes.Object, directories.Object, store.Object));
    }

    private static HttpRequest Request(byte[] body, string query = "", string? contentType = "application/pdf", string? disposition = null, string user = "alice")
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Request.Method = "POST";
        context.Request.Path = $"/api/inboxes/{InboxId}/attachments";
        context.Request.QueryString = new QueryString(query);
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = contentType;
        if (disposition is not null) context.Request.Headers.ContentDisposition = disposition;
        context.Request.Headers[ClientPrincipal.Header] = ClientPrincipal.Encode(Account, user);
        return context.Request;
    }

    private static async Task<(int Status, JsonElement Body, IHeaderDictionary Headers)> Execute(IResult result)
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, JsonDocument.Parse(context.Response.Body).RootElement.Clone(), context.Response.Headers);
    }

    [Fact]
    public async Task A_members_file_is_stored_and_answered_201_with_its_id_name_type_size_and_url()
    {
        var (status, body, headers) = await Execute(await functions.Upload(Request(Pdf, "?name=devis%207.pdf"), InboxId, default));

        var id = AttachmentRules.Id(new AttachmentContent("devis 7.pdf", "application/pdf", false, Pdf));
        Assert.Equal(201, status);
        Assert.Equal($"/api/inboxes/{InboxId}/attachments/{id}", headers.Location.ToString());
        Assert.Equal(
            $$"""{"id":"{{id}}","name":"devis 7.pdf","contentType":"application/pdf","size":{{Pdf.Length}},"url":"/api/inboxes/{{InboxId}}/attachments/{{id}}"}""",
            body.GetRawText());
        store.Verify(s => s.Put(Account, InboxId, id, It.IsAny<AttachmentContent>(), It.IsAny<CancellationToken>()));
    }

    [Theory]
    [InlineData("attachment; filename=\"plan.pdf\"", "plan.pdf")]
    [InlineData("attachment; filename=\"Plan.pdf\"; filename*=UTF-8''Kostenvoranschlag%20f%C3%BCr%20M%C3%A4rz.pdf", "Kostenvoranschlag für März.pdf")]
    public async Task Without_a_name_in_the_query_the_name_is_content_dispositions(string disposition, string name)
    {
        var (status, body, _) = await Execute(await functions.Upload(Request(Pdf, disposition: disposition), InboxId, default));

        Assert.Equal(201, status);
        Assert.Equal(name, body.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("?name=..%2F..%2Fetc%2Fpasswd", null)]
    [InlineData("", "attachment; filename=\"..\\\\boot.ini\"")]
    [InlineData("?name=a%0D%0Ab.pdf", null)]
    public async Task A_missing_name_or_one_that_is_a_path_or_has_control_characters_is_a_400_naming_it(string query, string? disposition)
    {
        var (status, body, _) = await Execute(await functions.Upload(Request(Pdf, query, disposition: disposition), InboxId, default));

        Assert.Equal(400, status);
        Assert.Equal("name", body.GetProperty("errors")[0].GetProperty("field").GetString());
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_file_past_a_replys_limit_is_a_413_and_is_not_stored()
    {
        var (status, _, _) = await Execute(await functions.Upload(Request(new byte[AttachmentRules.MaxReplyBytes + 1], "?name=big.bin"), InboxId, default));

        Assert.Equal(413, status);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_user_who_is_not_a_member_is_told_the_inbox_does_not_exist()
    {
        var (status, _, _) = await Execute(await functions.Upload(Request(Pdf, "?name=a.pdf", user: "bob"), InboxId, default));

        Assert.Equal(404, status);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Blob_storage_down_is_a_503_with_retry_after()
    {
        store.Setup(s => s.Put(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<AttachmentContent>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new global::Azure.RequestFailedException(503, "The server is busy."));
        var request = Request(Pdf, "?name=a.pdf");
        var budget = new RequestBudget(new RequestBudgetOptions(), NullLogger<RequestBudget>.Instance);

        var answer = await budget.Run(request.HttpContext, () => functions.Upload(request, InboxId, request.HttpContext.RequestAborted), answerWhenOverBudget: false);

        var (status, body, headers) = await Execute(answer!);
        Assert.Equal((503, "5"), (status, headers.RetryAfter.ToString()));
        Assert.DoesNotContain("busy", body.GetRawText(), StringComparison.Ordinal);
    }
}
