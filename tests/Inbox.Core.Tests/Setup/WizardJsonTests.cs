using System.Text.Json;
using InboxServerless.Core.Application.Setup;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Json;
using InboxServerless.Core.Rules;
using Microsoft.DurableTask.Converters;
using static InboxServerless.Core.Tests.TestData;

namespace InboxServerless.Core.Tests.Setup;

/// <summary>The wizard's bodies as the API reads and writes them, and its records as the Durable Task engine carries them.</summary>
public sealed class WizardJsonTests
{
    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, InboxJson.Api)!;

    [Fact]
    public void Step_bodies_read_strictly_with_defaults_for_what_is_optional()
    {
        Assert.Equal(new NameInput("Support"), Read<NameInput>("""{"name":"Support"}"""));
        Assert.Equal("Europe/Paris", Read<NameInput>("""{"name":"Support","timeZone":"Europe/Paris","notifications":{"fallbackEmail":"a@b.test"}}""").TimeZone);
        Assert.True(Read<MembersInput>("""{"members":{"everyone":true}}""").Members.Everyone);
        Assert.True(Read<ReviewInput>("""{"confirm":true}""").Confirm);
        Assert.ThrowsAny<JsonException>(() => Read<ReviewInput>("{}"));
        Assert.ThrowsAny<JsonException>(() => Read<NameInput>("""{"name":"Support","colour":"red"}"""));
        Assert.ThrowsAny<JsonException>(() => Read<NameInput>("""{"name":null}"""));
    }

    [Fact]
    public void The_state_is_written_in_the_api_dialect_with_the_channel_kind()
    {
        var state = WizardRules.Begin("setup-1", AccountId, "alice", T0, TimeSpan.FromHours(24)) with
        {
            Name = "Support",
            Step = WizardStepName.Settings,
            Channel = Messenger(),
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(state, InboxJson.Api));

        Assert.Equal("settings", json.RootElement.GetProperty("step").GetString());
        Assert.Equal("open", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("messenger", json.RootElement.GetProperty("channel").GetProperty("kind").GetString());
        Assert.False(json.RootElement.TryGetProperty("lastError", out _));
    }

    public static TheoryData<StepInput> Inputs() =>
    [
        new NameInput("Support", "Europe/Paris", new InboxNotificationSettings { FallbackEmail = "a@b.test" }),
        new MembersInput(new InboxMembers { UserIds = ["alice"], TeamIds = ["support"] }),
        new ChannelInput(Email()),
        new SettingsInput(Chat() with { Availability = new ChatAvailability { Mode = AvailabilityMode.OfficeHours, OfficeHours = [new OpeningHours(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0))], AwayMessage = "Later" } }),
        new ReviewInput(true),
    ];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_step_event_survives_the_durable_task_converter(StepInput input)
    {
        var converter = JsonDataConverter.Default;
        var step = new WizardStep("alice", input);

        var back = converter.Deserialize<WizardStep>(converter.Serialize(step))!;

        Assert.Equal(input.GetType(), back.Input.GetType());
        Assert.Equal(converter.Serialize(step), converter.Serialize(back));
    }

    [Fact]
    public void The_state_and_the_activity_inputs_survive_the_durable_task_converter()
    {
        var converter = JsonDataConverter.Default;
        var state = WizardRules.CreateFailed(
            WizardRules.Begin("setup-1", AccountId, "alice", T0, TimeSpan.FromHours(24)) with { Name = "Support", Channel = Email(), SettingsConfirmed = true },
            WizardStepName.Channel, Problem.Invalid("address", "taken"), T0);
        var creation = new WizardCreation("setup-1", AccountId, "alice", new InboxSettings { Name = "Support" }, Messenger());

        Assert.Equal(converter.Serialize(state), converter.Serialize(converter.Deserialize<WizardState>(converter.Serialize(state))));
        Assert.IsType<MessengerChannel>(converter.Deserialize<WizardCreation>(converter.Serialize(creation))!.Channel);
        Assert.Equal(TimeSpan.FromSeconds(3), converter.Deserialize<WizardStart>(converter.Serialize(
            new WizardStart { AccountId = AccountId, UserId = "alice", IdleTimeout = TimeSpan.FromSeconds(3) }))!.IdleTimeout);
    }
}
