using InboxServerless.Azure;
using InboxServerless.Azure.Secrets;
using InboxServerless.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddInbox(builder.Configuration);
builder.Services.AddServiceBusQueue(builder.Configuration);
builder.Services.AddKeyVaultSecretStore(builder.Configuration);
builder.Build().Run();
