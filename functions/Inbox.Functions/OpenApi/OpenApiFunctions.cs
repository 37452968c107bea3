using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace InboxServerless.Functions.OpenApi;

/// <summary>Serves the OpenAPI document of this function app, made once from its code (see <see cref="OpenApiDocumentBuilder"/>).</summary>
public sealed class OpenApiFunctions
{
    private static readonly Lazy<byte[]> Document = new(() => JsonSerializer.SerializeToUtf8Bytes(
        OpenApiDocumentBuilder.Build(typeof(OpenApiFunctions).Assembly,
            OpenApiDocumentBuilder.RoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json"))),
        new JsonSerializerOptions { WriteIndented = true }));

    [Function("GetOpenApiDocument")]
    [OpenApiResponse(200, typeof(JsonObject), Description = "This document: OpenAPI 3.1, JSON.")]
    public IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new DocumentResult(Document.Value);

    private sealed class DocumentResult(byte[] document) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = document.Length;
            await response.Body.WriteAsync(document, httpContext.RequestAborted);
        }
    }
}
