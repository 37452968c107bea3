using InboxServerless.Azure;
using InboxServerless.Azure.Secrets;
using InboxServerless.Functions;
using InboxServerless.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Before any function: paths the front end and the app could read differently, and principals on webhooks, are refused.
builder.UseMiddleware<RequestGuardMiddleware>();
builder.Services.AddInbox(builder.Configuration);
builder.Services.AddServiceBusQueue(builder.Configuration);
builder.Services.AddKeyVaultSecretStore(builder.Configuration);
builder.Build().Run();
