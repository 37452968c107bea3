using InboxServerless.Core.Ports;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public sealed class AttachmentRulesTests
{
    private static readonly AttachmentContent Invoice = new("facture-42.pdf", "application/pdf", false, "%PDF-1.4"u8.ToArray());

    private static StoredAttachment Stored(string contentType, bool inline) => new("x", contentType, inline, 0, Stream.Null);

    [Fact]
    public void The_same_attachment_read_again_has_the_same_id_and_any_difference_another()
    {
        var id = AttachmentRules.Id(Invoice);

        Assert.Equal(id, AttachmentRules.Id(Invoice with { Bytes = "%PDF-1.4"u8.ToArray() }));
        Assert.True(AttachmentRules.IsId(id));
        Assert.NotEqual(id, AttachmentRules.Id(Invoice with { Bytes = "%PDF-1.5"u8.ToArray() }));
        Assert.NotEqual(id, AttachmentRules.Id(Invoice with { Name = "other.pdf" }));
        Assert.NotEqual(id, AttachmentRules.Id(Invoice with { ContentType = "application/octet-stream" }));
        Assert.NotEqual(id, AttachmentRules.Id(Invoice with { IsInline = true }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../../other-inbox/0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")] // ids are lower case
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")] // 63
    public void Anything_but_an_id_the_rules_make_is_no_id(string? id) => Assert.False(AttachmentRules.IsId(id));

    [Fact]
    public void The_url_is_the_inboxs_attachment_endpoint() =>
        Assert.Equal("/api/inboxes/support/attachments/" + new string('a', 64), AttachmentRules.Url("support", new string('a', 64)));

    [Theory]
    [InlineData("application/pdf", "application/pdf")]
    [InlineData("Image/PNG; name=logo.png", "image/png")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("text/html\r\nX-Injected: 1", "application/octet-stream")]
    [InlineData("pdf", "application/octet-stream")]
    [InlineData("", "application/octet-stream")]
    [InlineData("text/", "application/octet-stream")]
    public void A_type_is_served_as_declared_only_when_well_formed(string declared, string served) =>
        Assert.Equal(served, AttachmentRules.ServedType(declared));

    [Theory]
    [InlineData("image/png", true, true)]
    [InlineData("image/jpeg", true, true)]
    [InlineData("image/png", false, false)] // a file attached: downloaded
    [InlineData("image/svg+xml", true, false)] // a document that can run script
    [InlineData("text/html", true, false)]
    public void Only_an_inline_raster_image_is_shown_rather_than_downloaded(string type, bool inline, bool shown) =>
        Assert.Equal(shown, AttachmentRules.ShownInline(Stored(type, inline)));

    [Theory]
    [InlineData("devis 7.pdf")]
    [InlineData("Kostenvoranschlag für März.docx")]
    [InlineData(".profile")]
    [InlineData("👍.png")]
    public void A_plain_file_name_is_a_name(string name) => Assert.Null(AttachmentRules.NameProblem(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".")]
    [InlineData(" .. ")]
    [InlineData("dir/a.pdf")]
    [InlineData("dir\\a.pdf")]
    [InlineData("a\u0007.pdf")]
    [InlineData("a\u007F.pdf")]
    [InlineData("a\u0085.pdf")]
    [InlineData("invoice\u202Efdp.exe")]
    [InlineData("invoice\u2067fdp.exe")]
    public void A_path_an_empty_name_and_hidden_characters_are_not_names(string? name) => Assert.NotNull(AttachmentRules.NameProblem(name));

    [Fact]
    public void A_name_is_at_most_255_characters() =>
        Assert.Equal([true, false], new[] { 255, 256 }.Select(n => AttachmentRules.NameProblem(new string('a', n - 4) + ".pdf") is null));
}
