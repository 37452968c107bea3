using InboxServerless.Azure;
using InboxServerless.Azure.Secrets;
using InboxServerless.Functions;
using InboxServerless.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// After the ASP.NET Core integration's own middleware, so the answer it sets is the one written.
builder.UseMiddleware<RequestBudgetMiddleware>();
builder.Services.AddInbox(builder.Configuration);
builder.Services.AddServiceBusQueue(builder.Configuration);
builder.Services.AddKeyVaultSecretStore(builder.Configuration);
builder.Build().Run();
