using System.Text.Json.Nodes;
using InboxServerless.Core.Domain;
using InboxServerless.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.Tests.OpenApi;

/// <summary>
/// A function nobody told the document about is in it all the same: the builder finds every HTTP trigger by reflection.
/// These functions live in the test assembly, so the builder is pointed at it.
/// </summary>
public sealed class NewFunctionTests
{
    private static readonly JsonObject Document = OpenApiDocumentBuilder.Build(typeof(NewFunctionTests).Assembly, "api");

    private static JsonObject Operation(string path, string method) => Document["paths"]![path]![method]!.AsObject();

    [Fact]
    public void A_function_without_any_openapi_attribute_is_documented_from_its_trigger()
    {
        var operation = Operation("/api/widgets/{widgetId}/parts/{partId}", "get");

        Assert.Equal("GetWidgetPart", operation["operationId"]!.GetValue<string>());
        Assert.Equal("SampleWidget", operation["tags"]![0]!.GetValue<string>());
        Assert.Equal(["widgetId", "partId"], operation["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal("integer", operation["parameters"]![1]!["schema"]!["type"]!.GetValue<string>());
        var responses = operation["responses"]!.AsObject();
        Assert.Equal(["200", "400", "401", "403", "404"], responses.Select(r => r.Key));
        Assert.False(operation.ContainsKey("security"));
    }

    [Fact]
    public void A_function_without_a_route_is_at_its_name_and_one_without_methods_answers_every_method()
    {
        var item = Document["paths"]!["/api/AnyWidget"]!.AsObject();

        Assert.Equal(["get", "post", "put", "patch", "delete"], item.Select(o => o.Key));
        Assert.Equal("AnyWidgetPatch", item["patch"]!["operationId"]!.GetValue<string>());
    }

    [Fact]
    public void A_webhook_is_documented_as_signed_not_signed_in()
    {
        var operation = Operation("/api/webhooks/widgets", "post");

        Assert.Empty(operation["security"]!.AsArray());
        Assert.Contains("signature", operation["description"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/InboxSettings", operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Empty(OpenApiFixture.Parse(Document.ToJsonString()).Diagnostic!.Errors);
    }
}

public sealed class NewFunctionBodyTests
{
    [Fact]
    public void A_function_that_reads_one_of_several_bodies_documents_them_as_one_of()
    {
        var document = OpenApiDocumentBuilder.Build(typeof(NewFunctionTests).Assembly, "api");
        var schema = document["paths"]!["/api/widgets/{widgetId}/steps/{step}"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal(["#/components/schemas/InboxSettings", "#/components/schemas/ChannelSettings"],
            schema["oneOf"]!.AsArray().Select(s => s!["$ref"]!.GetValue<string>()));
        Assert.NotNull(document["components"]!["schemas"]!["EmailChannel"]);
    }
}

/// <summary>Functions as a colleague might add them, without a word to the OpenAPI document.</summary>
public sealed class SampleWidgetFunctions
{
    [Function("GetWidgetPart")]
    public IResult GetPart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "widgets/{widgetId}/parts/{partId:int}")] HttpRequest request, string widgetId, int partId) =>
        Results.Ok();

    [Function("AnyWidget")]
    public IResult Any([HttpTrigger(AuthorizationLevel.Anonymous)] HttpRequest request) => Results.Ok();

    [Function("SubmitWidgetStep")]
    [OpenApiBody(typeof(InboxSettings), typeof(ChannelSettings))]
    [OpenApiResponse(200)]
    public IResult SubmitStep(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "widgets/{widgetId}/steps/{step}")] HttpRequest request, string widgetId, string step) =>
        Results.Ok();

    [Function("ReceiveWidgetWebhook")]
    [OpenApiBody(typeof(InboxSettings))]
    [OpenApiResponse(202)]
    public IResult Receive([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/widgets")] HttpRequest request) => Results.Accepted();
}
