using InboxServerless.Core.Ports;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace InboxServerless.Functions.Tests.Http;

/// <summary>What a browser is told about a sender's file served from our origin.</summary>
public sealed class AttachmentResultTests
{
    private static async Task<HttpResponse> Serve(StoredAttachment attachment)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await new AttachmentResult(attachment).ExecuteAsync(context);
        return context.Response;
    }

    private static StoredAttachment File(string name, string type, bool inline, byte[] bytes) =>
        new(name, type, inline, bytes.Length, new MemoryStream(bytes));

    [Fact]
    public async Task A_file_is_a_download_of_its_declared_type_that_the_browser_may_not_sniff()
    {
        var response = await Serve(File("facture n° 42.pdf", "application/pdf", false, "%PDF-1.4"u8.ToArray()));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/pdf", response.ContentType);
        Assert.Equal(8, response.ContentLength);
        Assert.StartsWith("attachment;", response.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        Assert.Contains("filename*=UTF-8''facture%20n%C2%B0%2042.pdf", response.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions.ToString());
        Assert.StartsWith("sandbox", response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Equal("%PDF-1.4"u8.ToArray(), ((MemoryStream)response.Body).ToArray());
    }

    [Theory]
    [InlineData("logo.png", "image/png", true, "inline;")]
    [InlineData("logo.svg", "image/svg+xml", true, "attachment;")]
    [InlineData("page.html", "text/html", true, "attachment;")]
    [InlineData("photo.png", "image/png", false, "attachment;")]
    public async Task Only_an_inline_raster_image_is_shown_in_place(string name, string type, bool inline, string disposition) =>
        Assert.StartsWith(disposition, (await Serve(File(name, type, inline, [1, 2, 3]))).Headers.ContentDisposition.ToString(), StringComparison.Ordinal);

    [Fact]
    public async Task A_malformed_type_is_served_as_bytes() =>
        Assert.Equal("application/octet-stream", (await Serve(File("x", "text/html\r\nSet-Cookie: a=b", false, [1]))).ContentType);
}
