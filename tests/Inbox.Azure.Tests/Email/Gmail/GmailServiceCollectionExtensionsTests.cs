using System.Net;
using System.Text;
using InboxServerless.Azure.Email.Gmail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.Azure.Tests.Email.Gmail;

/// <summary>The Gmail client as the hosts compose it: Google's transient failures are retried by the standard resilience handler, its refusals are not.</summary>
public sealed class GmailServiceCollectionExtensionsTests
{
    /// <summary>Google at the HTTP boundary: answers the statuses given, in order, then the profile.</summary>
    private sealed class Google(params HttpStatusCode[] failures) : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var call = Interlocked.Increment(ref Calls) - 1;
            return Task.FromResult(call < failures.Length
                ? new HttpResponseMessage(failures[call]) { Content = new StringContent("""{"error":{"code":503,"message":"Backend Error"}}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"emailAddress":"support@contoso.com","messagesTotal":1,"threadsTotal":1,"historyId":"1234"}""", Encoding.UTF8, "application/json"),
                });
        }
    }

    private static GmailApi Api(Google google)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddGmail(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gmail:ApiBaseUrl"] = "https://gmail.test/",
            ["Gmail:CallTimeout"] = "00:00:20",
        }).Build());
        services.AddHttpClient(GmailServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => google);
        return services.BuildServiceProvider().GetRequiredService<GmailApi>();
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_a_refusal_is_not()
    {
        var flaky = new Google(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(new GmailProfile("support@contoso.com", "1234"), await Api(flaky).Profile("token", CancellationToken.None));
        Assert.Equal(2, flaky.Calls);

        var refusing = new Google(HttpStatusCode.Forbidden);
        var error = await Assert.ThrowsAsync<GmailApiException>(() => Api(refusing).Profile("token", CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        Assert.Equal(1, refusing.Calls);
    }
}
