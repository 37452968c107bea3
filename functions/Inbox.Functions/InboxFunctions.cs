using System.Text.Json;
using System.Text.Json.Nodes;
using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Email;
using InboxServerless.Core.Json;
using InboxServerless.Functions.Channels;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace InboxServerless.Functions;

/// <summary>The inboxes API for inboxes and their channels. Each function binds, calls one use case, and maps its outcome.</summary>
public sealed class InboxFunctions(InboxUseCases inboxes, ForwardingChannels forwarding, ForwardingOptions forwardingOptions, ILogger<InboxFunctions> log)
{
    [Function("CreateInbox")]
    [OpenApiBody(typeof(InboxSettings))]
    [OpenApiResponse(201, typeof(Inbox), ETag = true, Location = true)]
    [OpenApiProblem(409)]
    public async Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<InboxSettings>(ct).Then(settings => inboxes.Create(caller, settings, ct))))
        .ToHttp(inbox => HttpResults.Created(inbox, $"/api/inboxes/{inbox.Value.Id}"));

    [Function("ListInboxes")]
    [OpenApiQuery("pageSize", typeof(int), Description = "Items per page, 1 to 100; 50 when left out.")]
    [OpenApiQuery("continuationToken", typeof(string), Description = "The previous page's continuationToken, to read the next page.")]
    [OpenApiResponse(200, typeof(Page<Inbox>))]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.Page((size, token) => inboxes.List(caller, size, token, ct))))
        .ToHttp(page => HttpResults.Json(new { items = page.Items.Select(i => i.Value), page.ContinuationToken }));

    [Function("GetInbox")]
    [OpenApiResponse(200, typeof(Inbox), ETag = true)]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes/{inboxId}")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => inboxes.Get(caller, inboxId, ct))).ToHttp(HttpResults.Ok);

    [Function("UpdateInbox")]
    [OpenApiBody(typeof(InboxSettings))]
    [OpenApiIfMatch(Required = true)]
    [OpenApiResponse(200, typeof(Inbox), ETag = true)]
    [OpenApiProblem(409)]
    public async Task<IResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inboxes/{inboxId}")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<InboxSettings>(ct)
            .Then(settings => inboxes.Update(caller, inboxId, settings, request.IfMatch(), ct))))
        .ToHttp(HttpResults.Ok);

    [Function("DeleteInbox")]
    [OpenApiIfMatch]
    [OpenApiResponse(204)]
    public async Task<IResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "inboxes/{inboxId}")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => inboxes.Delete(caller, inboxId, request.IfMatch(), ct))).ToHttp(NoContent);

    [Function("ConnectChannel")]
    [OpenApiBody(typeof(ChannelSettings))]
    [OpenApiResponse(201, typeof(Channel), ETag = true, Location = true,
        Description = "The channel; a forwarding channel's answer adds inbound.url and inbound.secret, shown this once.")]
    [OpenApiProblem(409)]
    public async Task<IResult> Connect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inboxes/{inboxId}/channels")] HttpRequest request, string inboxId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<ChannelSettings>(ct)
            .Then(settings => forwarding.Connect(caller, inboxId, settings, ct))))
        .ToHttp(connected => Connected(request, inboxId, connected));

    private IResult Connected(HttpRequest request, string inboxId, ConnectedChannel connected)
    {
        var (channel, location) = (connected.Channel, $"/api/inboxes/{inboxId}/channels/{connected.Channel.Value.Id}");
        if (connected.InboundSecret is not { } secret) return HttpResults.Created(channel, location);
        var body = JsonSerializer.SerializeToNode(channel.Value, InboxJson.Api)!.AsObject();
        body["inbound"] = JsonSerializer.SerializeToNode(forwardingOptions.Inbound(request, channel.Value.Id, secret), InboxJson.Api);
        return HttpResults.Created(new Versioned<JsonObject>(body, channel.ETag), location);
    }

    [Function("GetChannel")]
    [OpenApiResponse(200, typeof(Channel), ETag = true)]
    public async Task<IResult> GetChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inboxes/{inboxId}/channels/{channelId}")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => inboxes.GetChannel(caller, inboxId, channelId, ct))).ToHttp(HttpResults.Ok);

    [Function("UpdateChannel")]
    [OpenApiBody(typeof(ChannelSettings))]
    [OpenApiIfMatch(Required = true)]
    [OpenApiResponse(200, typeof(Channel), ETag = true)]
    [OpenApiProblem(409, 503)]
    public async Task<IResult> UpdateChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inboxes/{inboxId}/channels/{channelId}")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<ChannelSettings>(ct)
            .Then(settings => inboxes.UpdateChannel(caller, inboxId, channelId, settings, request.IfMatch(), ct))))
        .ToHttp(HttpResults.Ok);

    [Function("DisconnectChannel")]
    [OpenApiIfMatch]
    [OpenApiResponse(204)]
    [OpenApiProblem(409)]
    public async Task<IResult> Disconnect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "inboxes/{inboxId}/channels/{channelId}")] HttpRequest request,
        string inboxId, string channelId, CancellationToken ct) =>
        (await request.Caller().Then(caller => inboxes.DisconnectChannel(caller, inboxId, channelId, request.IfMatch(), ct)))
        .ToHttp(NoContent);

    /// <summary>Removed; what the provider kept (best effort, see README) is logged for an operator.</summary>
    private IResult NoContent(Disconnected disconnected)
    {
        foreach (var leftover in disconnected.Leftovers) log.LogWarning("Channel removed, but at its provider: {Leftover}", leftover);
        return Results.NoContent();
    }
}
