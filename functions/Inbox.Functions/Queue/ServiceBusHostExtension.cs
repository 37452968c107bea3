// Compiled only with -p:EnableServiceBusHostExtension=true (see Inbox.Functions.csproj): this line puts the host's
// Service Bus extension into the generated extensions project, whose restore needs a feed that serves it.
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

[assembly: ExtensionInformation("Microsoft.Azure.WebJobs.Extensions.ServiceBus", "5.17.0")]
