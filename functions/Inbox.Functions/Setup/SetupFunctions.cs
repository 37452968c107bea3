using InboxServerless.Core.Application;
using InboxServerless.Core.Application.Setup;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace InboxServerless.Functions.Setup;

/// <summary>
/// The setup wizard's API. Each function binds, calls one use case of <see cref="SetupWizardUseCases"/>, and maps its outcome:
/// 202 with the status URL while the wizard is working on it, 200 once a step is applied, problem details otherwise.
/// </summary>
public sealed class SetupFunctions(SetupWizardUseCases wizard)
{
    /// <summary>The answer to a start: the wizard's id, where to follow it, and its first state.</summary>
    public sealed record WizardStarted(string Id, string StatusUrl, WizardState State);

    public static string StatusUrl(string id) => $"/api/setup/{id}";

    [Function("StartSetup")]
    [OpenApiNoBody]
    [OpenApiResponse(202, typeof(WizardStarted), Location = true, Description = "Started; follow statusUrl.")]
    public async Task<IResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "setup")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        (await request.Caller().Then(caller => wizard.Start(client, caller, ct)))
        .ToHttp(state => HttpResults.Json(new WizardStarted(state.Id, StatusUrl(state.Id), state), StatusCodes.Status202Accepted,
            location: StatusUrl(state.Id)));

    [Function("SubmitSetupStep")]
    [OpenApiBody(typeof(NameInput), typeof(MembersInput), typeof(ChannelSettings), typeof(ReviewInput),
        Description = "By step: name → NameInput; members → MembersInput; channel and settings → a channel's settings (by kind); review → ReviewInput.")]
    [OpenApiResponse(200, typeof(WizardState), Location = true, Description = "The wizard applied the step (a review: the inbox is created, or the error is shown).")]
    [OpenApiResponse(202, typeof(WizardState), Location = true, Description = "Accepted: the state the wizard is moving to; follow Location.")]
    [OpenApiProblem(409)]
    public async Task<IResult> SubmitStep(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "setup/{id}/steps/{step}")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string id, string step, CancellationToken ct) =>
        (await request.Caller().Then(caller => ReadStep(request, step, ct).Then(input => wizard.SubmitStep(client, caller, id, input, ct))))
        .ToHttp(Answer);

    [Function("AuthorizeSetupMessengerPage")]
    [OpenApiBody(typeof(PageAuthorization), Description = "A Facebook user access token of an admin of the page; kept as a secret until the review connects the page.")]
    [OpenApiResponse(200, typeof(WizardState))]
    public async Task<IResult> AuthorizeMessengerPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "setup/{id}/messenger-authorization")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string id, CancellationToken ct) =>
        (await request.Caller().Then(caller => request.ReadJson<PageAuthorization>(ct)
            .Then(authorization => wizard.AuthorizeMessengerPage(client, caller, id, authorization, ct))))
        .ToHttp(state => HttpResults.Json(state));

    [Function("GetSetup")]
    [OpenApiResponse(200, typeof(WizardState))]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "setup/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string id, CancellationToken ct) =>
        (await request.Caller().Then(caller => wizard.Get(client, caller, id, ct))).ToHttp(state => HttpResults.Json(state));

    [Function("CancelSetup")]
    [OpenApiResponse(202, typeof(WizardState), Location = true, Description = "Cancelled (or being cancelled): nothing is left behind.")]
    [OpenApiProblem(409)]
    public async Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "setup/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string id, CancellationToken ct) =>
        (await request.Caller().Then(caller => wizard.Cancel(client, caller, id, ct)))
        .ToHttp(done => HttpResults.Json(done.State, StatusCodes.Status202Accepted, location: StatusUrl(id)));

    private static IResult Answer(SubmittedStep submitted) => submitted.Settled
        ? HttpResults.Json(submitted.State, location: StatusUrl(submitted.State.Id))
        : HttpResults.Json(submitted.State, StatusCodes.Status202Accepted, location: StatusUrl(submitted.State.Id));

    /// <summary>The body of each step: the step's own record, or for the channel and its settings the body of a channel's connect.</summary>
    private static async Task<Outcome<StepInput>> ReadStep(HttpRequest request, string step, CancellationToken ct) => WizardRules.ParseStep(step) switch
    {
        WizardStepName.Name => (await request.ReadJson<NameInput>(ct)).Map(StepInput (i) => i),
        WizardStepName.Members => (await request.ReadJson<MembersInput>(ct)).Map(StepInput (i) => i),
        WizardStepName.Channel => (await request.ReadJson<ChannelSettings>(ct)).Map(StepInput (c) => new ChannelInput(c)),
        WizardStepName.Settings => (await request.ReadJson<ChannelSettings>(ct)).Map(StepInput (c) => new SettingsInput(c)),
        WizardStepName.Review => (await request.ReadJson<ReviewInput>(ct)).Map(StepInput (i) => i),
        _ => Problem.Invalid("step", "Unknown step; the steps are name, members, channel, settings and review."),
    };
}
