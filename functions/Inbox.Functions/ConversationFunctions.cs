using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Ports;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions;

/// <summary>The agents' API: an inbox's conversations (list, read, assign, close, reopen) and the account's tickets.</summary>
public sealed class ConversationFunctions(ConversationUseCases conversations)
{
    private const string Conversation = "inboxes/{inboxId}/conversations/{conversationId}";

    [Function("ListConversations")]
    [OpenApiQuery("status", typeof(ConversationStatus), Description = "Only open or only closed conversations.")]
    [OpenApiQuery("assigneeId", typeof(string), Description = "Only conversations assigned to this user.")]
    [OpenApiQuery("pageSize", typeof(int), Description = "Items per page, 1 to 100; 50 when left out.")]
    [OpenApiQuery("continuationToken", typeof(string), Description = "The previous page's continuationToken, to read the next page.")]
    [OpenApiResponse(200, typeof(Page<Conversation>))]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes/{inboxId}/conversations")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => request.Page(Filter(request),
            (filter, size, token) => conversations.List(caller, inboxId, filter, size, token, ct))))
        .ToHttp(page => HttpResults.Json(new { items = page.Items.Select(c => c.Value), page.ContinuationToken }));

    [Function("GetConversation")]
    [OpenApiResponse(200, typeof(ConversationWithMessages), ETag = true)]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Conversation)] HttpRequest request, string inboxId, string conversationId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => conversations.Get(caller, inboxId, conversationId, ct))).ToHttp(HttpResults.Ok);

    [Function("SetConversationAssignee")]
    [OpenApiBody(typeof(AssigneeChange))]
    [OpenApiIfMatch]
    [OpenApiResponse(200, typeof(Conversation), ETag = true)]
    public async Task<IResult> Assign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Conversation + "/assignee")] HttpRequest request, string inboxId,
        string conversationId, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<AssigneeChange>(ct)
            .Then(change => conversations.Assign(caller, inboxId, conversationId, change, request.IfMatch(), ct))))
        .ToHttp(HttpResults.Ok);

    [Function("CloseConversation")]
    [OpenApiNoBody]
    [OpenApiIfMatch]
    [OpenApiResponse(200, typeof(Conversation), ETag = true)]
    public async Task<IResult> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Conversation + "/close")] HttpRequest request, string inboxId,
        string conversationId, CancellationToken ct) =>
        (await request.Caller().Then(caller => conversations.Close(caller, inboxId, conversationId, request.IfMatch(), ct))).ToHttp(HttpResults.Ok);

    [Function("ReopenConversation")]
    [OpenApiNoBody]
    [OpenApiIfMatch]
    [OpenApiResponse(200, typeof(Conversation), ETag = true)]
    public async Task<IResult> Reopen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Conversation + "/reopen")] HttpRequest request, string inboxId,
        string conversationId, CancellationToken ct) =>
        (await request.Caller().Then(caller => conversations.Reopen(caller, inboxId, conversationId, request.IfMatch(), ct))).ToHttp(HttpResults.Ok);

    [Function("ReplyToConversation")]
    [OpenApiBody(typeof(NewReply))]
    [OpenApiResponse(201, typeof(Message))]
    [OpenApiProblem(409, 503)]
    public async Task<IResult> Reply(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Conversation + "/replies")] HttpRequest request, string inboxId,
        string conversationId, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<NewReply>(ct).Then(reply => conversations.Reply(caller, inboxId, conversationId, reply, ct))))
        .ToHttp(message => HttpResults.Json(message, StatusCodes.Status201Created));

    [Function("ListTickets")]
    [OpenApiQuery("pageSize", typeof(int), Description = "Items per page, 1 to 100; 50 when left out.")]
    [OpenApiQuery("continuationToken", typeof(string), Description = "The previous page's continuationToken, to read the next page.")]
    [OpenApiResponse(200, typeof(Page<Ticket>))]
    public async Task<IResult> ListTickets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.Page((size, token) => conversations.ListTickets(caller, size, token, ct))))
        .ToHttp(page => HttpResults.Json(new { items = page.Items, page.ContinuationToken }));

    [Function("GetTicket")]
    [OpenApiResponse(200, typeof(Ticket))]
    public async Task<IResult> GetTicket(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}")] HttpRequest request, string ticketId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => conversations.GetTicket(caller, ticketId, ct))).ToHttp(t => HttpResults.Json(t));

    private static Outcome<ConversationFilter> Filter(HttpRequest request) => request.Query("status") switch
    {
        null => new ConversationFilter(null, request.Query("assigneeId")),
        "open" => new ConversationFilter(ConversationStatus.Open, request.Query("assigneeId")),
        "closed" => new ConversationFilter(ConversationStatus.Closed, request.Query("assigneeId")),
        _ => Problem.Invalid("status", "Use open or closed."),
    };
}
