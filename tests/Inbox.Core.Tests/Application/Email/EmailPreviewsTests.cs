using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;
using Moq;

namespace InboxServerless.Core.Tests.Application.Email;

/// <summary>
/// The channel preview: the from-name and signature as a reply through <see cref="EmailReplies"/> carries them, for a user
/// of the account, on settings checked as connecting them would check them.
/// </summary>
public sealed class EmailPreviewsTests
{
    private static readonly Caller Admin = new(TestData.AccountId, "dana", new HashSet<Role> { Role.AccountAdmin });
    private static readonly Caller Member = new(TestData.AccountId, "alice", new HashSet<Role> { Role.Member });

    private static readonly EmailChannel Gmail = TestData.Email("help@acme.com") with
    {
        FromName = new FromName { Format = FromNameFormat.AgentAndCompany, CompanyName = "Acme" },
        Signature = "<p>{{fullName}} ({{firstName}}), Acme support</p>",
    };

    private readonly Mock<IDirectoryStore> directories = new();

    public EmailPreviewsTests() =>
        directories.Setup(d => d.Load(TestData.AccountId, It.IsAny<CancellationToken>())).ReturnsAsync(TestData.AcmeDirectory);

    private static string Sanitized(string html) => $"[safe]{html}";

    private EmailPreviews Previews()
    {
        // The port's contract made visible: what came out of the sanitiser, and the text of which HTML.
        var html = new Mock<IMailHtml>();
        html.Setup(h => h.Sanitize(It.IsAny<string>())).Returns((string h) => Sanitized(h));
        html.Setup(h => h.ToText(It.IsAny<string>())).Returns((string h) => $"text of {h}");
        var replies = new EmailReplies(Mock.Of<IConversationStore>(), Mock.Of<IInboxStore>(), directories.Object, Mock.Of<IInboundQueue>(),
            Mock.Of<IAttachmentStore>(), html.Object, [], new FakeTimeProvider(TestData.T0));
        return new EmailPreviews(directories.Object, replies);
    }

    [Fact]
    public async Task The_agent_and_company_name_and_the_signature_filled_for_that_user_made_safe()
    {
        var preview = (await Previews().Preview(Admin, new EmailPreviewRequest(Gmail, "alice"), default)).Value!;

        var signature = Sanitized("<p>Alice Martin (Alice), Acme support</p>");
        Assert.Equal("Alice Martin at Acme <help@acme.com>", preview.From);
        Assert.Equal("Alice Martin at Acme", preview.FromName);
        Assert.Equal(signature, preview.SignatureHtml);
        Assert.Equal($"text of {signature}", preview.SignatureText);
        // The sample is a reply's body as it is stored and sent: the same rules, sanitised once more as a whole.
        Assert.Equal(Sanitized(ReplyMailRules.Html(EmailPreviewRules.SampleText, signature)), preview.SampleHtml);
        Assert.Equal(ReplyMailRules.PlainText(EmailPreviewRules.SampleText, $"text of {signature}"), preview.SampleText);
        Assert.EndsWith("-- \ntext of [safe]<p>Alice Martin (Alice), Acme support</p>", preview.SampleText);
    }

    [Fact]
    public async Task Company_only_shows_the_company_and_office_365_the_mailbox_alone()
    {
        var companyOnly = Gmail with { FromName = new FromName { Format = FromNameFormat.CompanyOnly, CompanyName = "Acme" } };
        var office365 = Gmail with { Provider = EmailProvider.Office365, FromName = null };

        var company = (await Previews().Preview(Admin, new EmailPreviewRequest(companyOnly, "bob"), default)).Value!;
        var mailbox = (await Previews().Preview(Admin, new EmailPreviewRequest(office365, "bob"), default)).Value!;

        Assert.Equal(("Acme <help@acme.com>", "Acme"), (company.From, company.FromName));
        Assert.Equal(("help@acme.com", (string?)null), (mailbox.From, mailbox.FromName));
        Assert.Contains("Bob Stone", mailbox.SignatureHtml);
    }

    [Fact]
    public async Task Settings_that_connecting_would_refuse_are_a_400_naming_each_field_under_channel()
    {
        var wrong = Gmail with { Address = "not an address", FromName = null, Signature = "<p>{{nickname}}</p>" };

        var problem = (await Previews().Preview(Admin, new EmailPreviewRequest(wrong, " "), default)).Problem!;

        Assert.Equal(ProblemKind.Invalid, problem.Kind);
        Assert.Equal(["channel.address", "channel.fromName", "channel.signature", "userId"], problem.Errors!.Select(e => e.Field));
    }

    [Fact]
    public async Task A_channel_of_another_kind_has_nothing_to_preview()
    {
        var problem = (await Previews().Preview(Admin, new EmailPreviewRequest(TestData.Chat(), "alice"), default)).Problem!;

        Assert.Equal("channel.kind", Assert.Single(problem.Errors!).Field);
    }

    [Fact]
    public async Task A_user_the_account_does_not_have_is_not_found()
    {
        var problem = (await Previews().Preview(Admin, new EmailPreviewRequest(Gmail, "zed"), default)).Problem!;

        Assert.Equal(ProblemKind.NotFound, problem.Kind);
    }

    [Fact]
    public async Task Only_an_admin_previews_and_nothing_is_read_for_anyone_else()
    {
        var problem = (await Previews().Preview(Member, new EmailPreviewRequest(Gmail, "alice"), default)).Problem!;

        Assert.Equal(ProblemKind.Forbidden, problem.Kind);
        directories.VerifyNoOtherCalls();
    }
}
