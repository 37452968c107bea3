using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
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
}
