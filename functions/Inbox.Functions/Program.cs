using InboxServerless.Azure;
using InboxServerless.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddInbox(builder.Configuration);
builder.Services.AddServiceBusQueue(builder.Configuration);
builder.Build().Run();
