using InboxServerless.Azure.Secrets;
using InboxServerless.Azure.ServiceBus;
using InboxServerless.Functions;
using InboxServerless.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Before any function: paths the front end and the app could read differently, and principals on webhooks, are refused.
builder.UseMiddleware<RequestGuardMiddleware>();
// After the ASP.NET Core integration's own middleware, so the answer it sets is the one written.
builder.UseMiddleware<RequestBudgetMiddleware>();
builder.Services.AddInbox(builder.Configuration);
builder.Services.AddServiceBusQueue(builder.Configuration);
builder.Services.AddKeyVaultSecretStore(builder.Configuration);
builder.Build().Run();
