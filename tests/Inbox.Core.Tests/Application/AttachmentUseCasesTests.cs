using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Moq;

namespace InboxServerless.Core.Tests.Application;

/// <summary>Who may read an inbox's attachments: as for its conversations, and nobody else learns they exist.</summary>
public sealed class AttachmentUseCasesTests
{
    private static readonly string Id = new('a', 64);
    private static readonly Caller Alice = new(TestData.AccountId, "alice", new HashSet<Role> { Role.Member }); // a member
    private static readonly Caller Bob = new(TestData.AccountId, "bob", new HashSet<Role> { Role.Member }); // not a member
    private static readonly Caller Dana = new(TestData.AccountId, "dana", new HashSet<Role> { Role.AccountAdmin }); // an admin
    private static readonly Caller Stranger = new(TestData.OtherAccountId, "alice", new HashSet<Role> { Role.AccountAdmin });

    private readonly Mock<IInboxStore> inboxes = new();
    private readonly Mock<IDirectoryStore> directories = new();
    private readonly Mock<IAttachmentStore> attachments = new();
    private readonly StoredAttachment invoice = new("facture-42.pdf", "application/pdf", false, 8, new MemoryStream("%PDF-1.4"u8.ToArray()));

    public AttachmentUseCasesTests()
    {
        directories.Setup(d => d.Load(TestData.AccountId, It.IsAny<CancellationToken>())).ReturnsAsync(TestData.AcmeDirectory);
        inboxes.Setup(s => s.Find(TestData.AccountId, TestData.InboxId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Inbox>(TestData.AnInbox(new InboxMembers { UserIds = ["alice"] }), "\"i1\""));
        attachments.Setup(s => s.Open(TestData.AccountId, TestData.InboxId, Id, It.IsAny<CancellationToken>())).ReturnsAsync(invoice);
    }

    private AttachmentUseCases Files() => new(inboxes.Object, directories.Object, attachments.Object);

    [Fact]
    public async Task A_member_and_an_admin_read_an_attachment_of_the_inbox()
    {
        Assert.Same(invoice, (await Files().Open(Alice, TestData.InboxId, Id, default)).Value);
        Assert.Same(invoice, (await Files().Open(Dana, TestData.InboxId, Id, default)).Value);
    }

    [Fact]
    public async Task To_a_non_member_and_to_another_account_the_attachment_does_not_exist_and_the_store_is_not_asked()
    {
        foreach (var caller in new[] { Bob, Stranger })
            Assert.Equal(ProblemKind.NotFound, (await Files().Open(caller, TestData.InboxId, Id, default)).Problem!.Kind);

        attachments.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task An_attachment_the_inbox_does_not_hold_and_a_malformed_id_are_not_found()
    {
        Assert.Equal(ProblemKind.NotFound, (await Files().Open(Alice, TestData.InboxId, new string('b', 64), default)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Files().Open(Alice, TestData.InboxId, "../" + Id, default)).Problem!.Kind);

        attachments.Verify(s => s.Open(It.IsAny<string>(), It.IsAny<string>(), "../" + Id, It.IsAny<CancellationToken>()), Times.Never);
    }

    private static readonly byte[] Pdf = "%PDF-1.4 reply"u8.ToArray();

    /// <summary>The request's body, as the trigger reads it: counted, so a test can tell it was never read.</summary>
    private int reads;

    private Func<int, Task<Outcome<ReadOnlyMemory<byte>>>> Body(byte[] bytes) => max =>
    {
        reads++;
        Outcome<ReadOnlyMemory<byte>> read = bytes.Length > max ? new Problem(ProblemKind.TooLarge, "Too large.") : new ReadOnlyMemory<byte>(bytes);
        return Task.FromResult(read);
    };

    [Fact]
    public async Task A_member_uploads_a_file_stored_under_its_content_id_and_served_at_the_inbox_url()
    {
        var uploaded = (await Files().Upload(Alice, TestData.InboxId, " devis 7.pdf ", "application/pdf", Body(Pdf), default)).Value!;

        var content = new AttachmentContent("devis 7.pdf", "application/pdf", false, Pdf);
        var id = AttachmentRules.Id(content);
        Assert.Equal(new UploadedAttachment(id, "devis 7.pdf", "application/pdf", Pdf.Length, $"/api/inboxes/{TestData.InboxId}/attachments/{id}"), uploaded);
        attachments.Verify(s => s.Put(TestData.AccountId, TestData.InboxId, id,
            It.Is<AttachmentContent>(c => c.Name == "devis 7.pdf" && !c.IsInline && c.Bytes.ToArray().SequenceEqual(Pdf)), It.IsAny<CancellationToken>()));
    }

    [Theory]
    [InlineData(null, "application/octet-stream")]
    [InlineData("text/plain; charset=utf-8", "text/plain")]
    [InlineData("IMAGE/PNG", "image/png")]
    [InlineData("text/html\"><script>", "application/octet-stream")]
    public async Task The_type_is_kept_when_well_formed_and_is_bytes_otherwise(string? header, string stored)
    {
        var uploaded = (await Files().Upload(Alice, TestData.InboxId, "notes.txt", header, Body(Pdf), default)).Value!;

        Assert.Equal(stored, uploaded.ContentType);
    }

    [Fact]
    public async Task A_non_member_is_refused_before_the_body_is_read_and_nothing_is_stored()
    {
        // An admin sees the inbox (403: replying is for members); another user and another account do not (404).
        Assert.Equal(ProblemKind.Forbidden, (await Files().Upload(Dana, TestData.InboxId, "a.pdf", "application/pdf", Body(Pdf), default)).Problem!.Kind);
        foreach (var caller in new[] { Bob, Stranger })
            Assert.Equal(ProblemKind.NotFound, (await Files().Upload(caller, TestData.InboxId, "a.pdf", "application/pdf", Body(Pdf), default)).Problem!.Kind);

        Assert.Equal(0, reads);
        attachments.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("../other/a.pdf")]
    [InlineData("C:\\Users\\a.pdf")]
    [InlineData("..")]
    [InlineData("a\u0000.pdf")]
    [InlineData("line\r\nBcc: x@evil.test")]
    [InlineData("invoice\u202Efdp.exe")] // shows as "invoiceexe.pdf"
    public async Task A_name_that_is_a_path_or_hides_characters_is_refused_before_the_body_is_read(string? name)
    {
        var problem = (await Files().Upload(Alice, TestData.InboxId, name, "application/pdf", Body(Pdf), default)).Problem!;

        Assert.Equal("name", Assert.Single(problem.Errors!).Field);
        Assert.Equal(0, reads);
        attachments.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task The_body_is_read_up_to_a_replys_limit_and_an_empty_or_larger_file_is_refused()
    {
        var tooLarge = await Files().Upload(Alice, TestData.InboxId, "big.bin", null, Body(new byte[AttachmentRules.MaxReplyBytes + 1]), default);
        var empty = await Files().Upload(Alice, TestData.InboxId, "empty.txt", "text/plain", Body([]), default);

        Assert.Equal(ProblemKind.TooLarge, tooLarge.Problem!.Kind);
        Assert.Equal(ProblemKind.Invalid, empty.Problem!.Kind);
        attachments.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_store_that_fails_fails_the_upload_for_the_api_to_answer_503()
    {
        attachments.Setup(s => s.Put(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<AttachmentContent>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("blob storage is down"));

        await Assert.ThrowsAsync<HttpRequestException>(() => Files().Upload(Alice, TestData.InboxId, "a.pdf", "application/pdf", Body(Pdf), default));
    }
}
