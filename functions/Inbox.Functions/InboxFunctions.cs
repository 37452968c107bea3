using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions;

/// <summary>The admin API for inboxes and their channels. Each function binds, calls one use case, and maps its outcome.</summary>
public sealed class InboxFunctions(InboxAdmin admin)
{
    [Function("CreateInbox")]
    public async Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<InboxSettings>(ct).Then(settings => admin.Create(caller, settings, ct))))
        .ToHttp(inbox => HttpResults.Created(inbox, $"/api/inboxes/{inbox.Value.Id}"));

    [Function("ListInboxes")]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.QueryInt("pageSize")
            .Then(size => admin.List(caller, size, request.Query("continuationToken"), ct))))
        .ToHttp(page => HttpResults.Json(new { items = page.Items.Select(i => i.Value), page.ContinuationToken }));

    [Function("GetInbox")]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes/{inboxId}")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => admin.Get(caller, inboxId, ct))).ToHttp(HttpResults.Ok);

    [Function("UpdateInbox")]
    public async Task<IResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inboxes/{inboxId}")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<InboxSettings>(ct)
            .Then(settings => admin.Update(caller, inboxId, settings, request.IfMatch(), ct))))
        .ToHttp(HttpResults.Ok);

    [Function("DeleteInbox")]
    public async Task<IResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "inboxes/{inboxId}")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => admin.Delete(caller, inboxId, request.IfMatch(), ct))).ToHttp(_ => Results.NoContent());

    [Function("ConnectChannel")]
    public async Task<IResult> Connect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/channels")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<ChannelSettings>(ct)
            .Then(settings => admin.ConnectChannel(caller, inboxId, settings, ct))))
        .ToHttp(channel => HttpResults.Created(channel, $"/api/inboxes/{inboxId}/channels/{channel.Value.Id}"));

    [Function("GetChannel")]
    public async Task<IResult> GetChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes/{inboxId}/channels/{channelId}")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => admin.GetChannel(caller, inboxId, channelId, ct))).ToHttp(HttpResults.Ok);

    [Function("UpdateChannel")]
    public async Task<IResult> UpdateChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inboxes/{inboxId}/channels/{channelId}")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<ChannelSettings>(ct)
            .Then(settings => admin.UpdateChannel(caller, inboxId, channelId, settings, request.IfMatch(), ct))))
        .ToHttp(HttpResults.Ok);

    [Function("DisconnectChannel")]
    public async Task<IResult> Disconnect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "inboxes/{inboxId}/channels/{channelId}")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => admin.DisconnectChannel(caller, inboxId, channelId, request.IfMatch(), ct)))
        .ToHttp(_ => Results.NoContent());
}
