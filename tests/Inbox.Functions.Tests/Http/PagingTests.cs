using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace InboxServerless.Functions.Tests.Http;

/// <summary><see cref="Paging.Page{T}"/> reads a listing's query in the order the triggers always did: filter, size, token.</summary>
public sealed class PagingTests
{
    private static HttpRequest Request(string query) => new DefaultHttpContext { Request = { QueryString = new QueryString(query) } }.Request;

    private static Task<Outcome<Page<string>>> Echo(int? size, string? token) =>
        Task.FromResult<Outcome<Page<string>>>(new Page<string>([$"{size?.ToString() ?? "none"}|{token ?? "none"}"], token));

    [Fact]
    public async Task The_size_and_the_stores_token_are_handed_to_the_listing_and_the_next_token_goes_back_encoded()
    {
        var token = ContinuationTokens.Encode("{\"t\":1}");

        var page = (await Request($"?pageSize=7&continuationToken={token}").Page(Echo)).Value!;

        Assert.Equal(["7|{\"t\":1}"], page.Items);
        Assert.Equal(token, page.ContinuationToken);
    }

    [Fact]
    public async Task Without_a_query_the_listing_is_asked_for_its_first_page_at_its_own_size() =>
        Assert.Equal(["none|none"], (await Request("").Page(Echo)).Value!.Items);

    [Theory]
    [InlineData("?pageSize=many&continuationToken=%25", "pageSize")]
    [InlineData("?pageSize=5&continuationToken=%25", "continuationToken")]
    public async Task A_bad_size_is_told_before_a_bad_token(string query, string field) =>
        Assert.Equal([field], (await Request(query).Page(Echo)).Problem!.Errors!.Select(e => e.Field));

    [Fact]
    public async Task A_bad_filter_is_told_first_and_lists_nothing()
    {
        var listed = false;
        Outcome<string> badFilter = Problem.Invalid("status", "Use open or closed.");

        var outcome = await Request("?pageSize=many").Page(badFilter, (string _, int? size, string? token) =>
        {
            listed = true;
            return Echo(size, token);
        });

        Assert.Equal(["status"], outcome.Problem!.Errors!.Select(e => e.Field));
        Assert.False(listed);
    }
}
