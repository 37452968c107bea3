using System.Text.Json;
using System.Text.Json.Nodes;
using InboxServerless.Core.Application;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Functions.Http;
using InboxServerless.Functions.OpenApi;

namespace InboxServerless.Functions.Tests.OpenApi;

/// <summary>
/// The schemas say what the API really reads and writes: values serialized the way the API does are valid against the
/// document's schemas, and values it would refuse are not. A small JSON Schema check (the keywords the document uses).
/// </summary>
public sealed class SchemaWireTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private static readonly JsonObject Components = OpenApiFixture.Node["components"]!["schemas"]!.AsObject();

    private static readonly EmailChannel Email = new()
    {
        Provider = EmailProvider.Gmail,
        Address = "help@acme.com",
        FromName = new FromName { Format = FromNameFormat.AgentAndCompany, CompanyName = "Acme" },
        Routing = new Core.Domain.Routing { Tickets = new TicketDefaults { Pipeline = "support", Status = "new" } },
    };

    private static readonly ChatChannel Chat = new()
    {
        WelcomeMessage = "Hi!",
        Availability = new ChatAvailability
        {
            Mode = AvailabilityMode.OfficeHours,
            OfficeHours = [new OpeningHours(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0))],
        },
    };

    private static readonly MessengerChannel Messenger = new() { PageId = "123", PageName = "Acme", Greeting = "Hello" };

    private static readonly FormChannel Form = new() { FormId = "contact" };

    private static Inbox AnInbox() => new[] { Email, Chat, (ChannelSettings)Messenger, Form }
        .Select((settings, i) => new Channel($"c{i}", settings, T0))
        .Aggregate(Inbox.Create("inbox-1", "acct-1", new InboxSettings { Name = "Support" }, T0), (inbox, channel) => inbox.WithChannel(channel, T0));

    private static readonly Conversation AConversation = new()
    {
        Id = "conv-1", AccountId = "acct-1", InboxId = "inbox-1", ChannelId = "c0", ChannelKind = ChannelKind.Email, ThreadKey = "t",
        SenderId = "someone@example.com", CreatedAt = T0, LastMessageAt = T0, AssigneeId = "alice",
    };

    public static TheoryData<string, string> Written() => new()
    {
        { "Inbox", Wire(AnInbox()) },
        { "InboxPage", Wire(new { items = new[] { AnInbox() }, continuationToken = (string?)null }) },
        { "InboxPage", Wire(new { items = Array.Empty<Inbox>(), continuationToken = "next" }) },
        { "Channel", Wire(AnInbox().Channels[1]) },
        { "ConversationPage", Wire(new { items = new[] { AConversation }, continuationToken = (string?)null }) },
        {
            "ConversationWithMessages",
            Wire(new ConversationWithMessages(AConversation,
                [new Message("m1", "inbox-1", "conv-1", "ext-1", MessageDirection.Incoming, null, "Hello", null, [new Attachment("a.txt", "text/plain", "https://x")], T0)]))
        },
        { "TicketPage", Wire(new { items = new[] { new Ticket("t1", "acct-1", "conv-1", "contact-1", "support", "new", TicketPriority.High, null, T0) } }) },
        { "AccountDirectory", Wire(new AccountDirectory([new User("alice", "acct-1", "Alice Martin", "alice@acme.com", true, false)], [new Team("t", "acct-1", "Team", ["alice"])])) },
        { "ProblemDetails", Wire(new HttpResults.ProblemBody("https://httpstatuses.io/404", "Not found.", 404, null, null)) },
        { "ProblemDetails", Wire(new HttpResults.ProblemBody("https://httpstatuses.io/400", "Invalid.", 400, "name: Required.", [new FieldError("name", "Required.")])) },
    };

    public static TheoryData<string, string> Read() => new()
    {
        { "InboxSettings", """{"name":"Support","members":{"everyone":false,"userIds":["alice"],"teamIds":[]},"timeZone":"Europe/Paris"}""" },
        { "InboxSettings", """{"name":"Support"}""" },
        { "ChannelSettings", Wire<ChannelSettings>(Email) },
        { "ChannelSettings", Wire<ChannelSettings>(Chat) },
        { "ChannelSettings", Wire<ChannelSettings>(Messenger) },
        { "ChannelSettings", """{"kind":"form","formId":"contact"}""" },
        { "UserSettings", """{"name":"Alice","email":"alice@acme.com","hasPaidSeat":true}""" },
        { "TeamSettings", """{"name":"Support","memberIds":["alice"]}""" },
        { "AssigneeChange", """{"assigneeId":null}""" },
    };

    /// <summary>Bodies the API refuses; each schema refuses them too.</summary>
    public static TheoryData<string, string> Refused() => new()
    {
        { "InboxSettings", """{"name":"Support","colour":"red"}""" },
        { "InboxSettings", """{"members":{"everyone":true}}""" },
        { "ChannelSettings", """{"kind":"fax","number":"1"}""" },
        { "ChannelSettings", """{"formId":"contact"}""" },
        { "ChannelSettings", """{"kind":"email","provider":"imap","address":"a@b.c","fromName":{"companyName":"Acme"}}""" },
        { "ChannelSettings", """{"kind":"form","formId":"contact","pageId":"1"}""" },
        { "AssigneeChange", "{}" },
        { "UserSettings", """{"name":"Alice","email":"alice@acme.com","hasPaidSeat":"yes"}""" },
    };

    [Theory]
    [MemberData(nameof(Written))]
    public void What_the_api_writes_fits_its_schema(string schema, string json) => Assert.Empty(Check(schema, json));

    [Theory]
    [MemberData(nameof(Read))]
    public void What_the_api_reads_fits_its_schema(string schema, string json)
    {
        Assert.Empty(Check(schema, json));
        // And the API does read it.
        var type = typeof(InboxSettings).Assembly.GetTypes().Concat(typeof(AssigneeChange).Assembly.GetTypes())
            .First(t => OpenApiSchemas.NameOf(t) == schema);
        Assert.NotNull(JsonSerializer.Deserialize(json, type, InboxJson.Api));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void What_the_api_refuses_its_schema_refuses(string schema, string json) => Assert.NotEmpty(Check(schema, json));

    private static string Wire<T>(T value) => JsonSerializer.Serialize(value, InboxJson.Api);

    private static List<string> Check(string schema, string json)
    {
        var errors = new List<string>();
        Validate(JsonNode.Parse(json), new JsonObject { ["$ref"] = OpenApiSchemas.ComponentPrefix + schema }, "$", errors);
        return errors;
    }

    private static void Validate(JsonNode? value, JsonNode schemaNode, string path, List<string> errors)
    {
        var schema = schemaNode.AsObject();
        if (schema["$ref"] is { } reference)
        {
            var name = reference.GetValue<string>()[OpenApiSchemas.ComponentPrefix.Length..];
            Assert.True(Components.ContainsKey(name), $"{path}: $ref to a missing schema {name}.");
            Validate(value, Components[name]!, path, errors);
            return;
        }

        if (schema["anyOf"] is JsonArray anyOf && !anyOf.Any(s => Errors(value, s!, path).Count == 0))
            errors.Add($"{path}: fits none of anyOf.");

        if (schema["oneOf"] is JsonArray oneOf)
        {
            if (schema["discriminator"] is JsonObject discriminator)
            {
                var kind = (value as JsonObject)?[discriminator["propertyName"]!.GetValue<string>()]?.GetValue<string>();
                if (kind is null || discriminator["mapping"]![kind] is not { } target) errors.Add($"{path}: unknown or missing discriminator '{kind}'.");
                else Validate(value, new JsonObject { ["$ref"] = target.GetValue<string>() }, path, errors);
            }
            else if (oneOf.Count(s => Errors(value, s!, path).Count == 0) != 1)
            {
                errors.Add($"{path}: fits not exactly one of oneOf.");
            }
        }

        if (schema["const"] is { } constant && !JsonNode.DeepEquals(constant, value)) errors.Add($"{path}: is not {constant.ToJsonString()}.");
        if (schema["enum"] is JsonArray values && !values.Any(v => JsonNode.DeepEquals(v, value))) errors.Add($"{path}: {value?.ToJsonString() ?? "null"} is not one of the enum.");
        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray many ? many.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            var actual = KindOf(value);
            if (!allowed.Contains(actual) && !(actual == "integer" && allowed.Contains("number"))) errors.Add($"{path}: is {actual}, not {string.Join("|", allowed)}.");
        }

        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            foreach (var (key, property) in obj)
            {
                if (properties?[key] is { } propertySchema) Validate(property, propertySchema, $"{path}.{key}", errors);
                else if (schema["additionalProperties"] is JsonValue additional && !additional.GetValue<bool>()) errors.Add($"{path}.{key}: not in the schema.");
            }

            foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()))
                if (!obj.ContainsKey(required)) errors.Add($"{path}.{required}: required.");
        }

        if (value is JsonArray array && schema["items"] is { } items)
            for (var i = 0; i < array.Count; i++) Validate(array[i], items, $"{path}[{i}]", errors);
    }

    private static List<string> Errors(JsonNode? value, JsonNode schema, string path)
    {
        var errors = new List<string>();
        Validate(value, schema, path, errors);
        return errors;
    }

    private static string KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.GetValue<decimal>() % 1 == 0 ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        _ => "object",
    };
}
