using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions;

/// <summary>The account's users and teams, which inbox membership, assignment and chat headers refer to.</summary>
public sealed class DirectoryFunctions(DirectoryUseCases directory)
{
    [Function("GetDirectory")]
    [OpenApiResponse(200, typeof(AccountDirectory))]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "directory")] HttpRequest request, CancellationToken ct) =>
        (await request.Caller().Then(caller => directory.Get(caller, ct))).ToHttp(d => HttpResults.Json(d));

    [Function("SaveUser")]
    [OpenApiBody(typeof(UserSettings))]
    [OpenApiResponse(200, typeof(User))]
    public async Task<IResult> SaveUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "directory/users/{userId}")] HttpRequest request, string userId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<UserSettings>(ct).Then(user => directory.SaveUser(caller, userId, user, ct))))
        .ToHttp(user => HttpResults.Json(user));

    [Function("SaveTeam")]
    [OpenApiBody(typeof(TeamSettings))]
    [OpenApiResponse(200, typeof(Team))]
    public async Task<IResult> SaveTeam(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "directory/teams/{teamId}")] HttpRequest request, string teamId,
        CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<TeamSettings>(ct).Then(team => directory.SaveTeam(caller, teamId, team, ct))))
        .ToHttp(team => HttpResults.Json(team));
}
